package dev.promptrelay.provider;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.promptrelay.prompt.PromptFileException;

/**
 * The configured providers by id.
 */
public class ProviderCatalog {

    private final Map<String, ProviderMapping> mappings = new LinkedHashMap<>();
    private final String sandboxRule;

    public ProviderCatalog(Collection<ProviderMapping> mappings) {
        this(mappings, "promptrelay.sandbox.enabled");
    }

    /** @param sandboxRule why a keyless provider gets no sandbox, for the rejection message */
    public ProviderCatalog(Collection<ProviderMapping> mappings, String sandboxRule) {
        mappings.forEach(m -> this.mappings.put(m.id(), m));
        this.sandboxRule = sandboxRule;
    }

    /** Every provider, in the order of the settings. */
    public Collection<ProviderMapping> all() {
        return java.util.Collections.unmodifiableCollection(mappings.values());
    }

    /** Every provider's id, in the order of the settings. */
    public java.util.Set<String> ids() {
        return java.util.Collections.unmodifiableSet(mappings.keySet());
    }

    public ProviderMapping mapping(String id) {
        ProviderMapping mapping = mappings.get(id);
        if (mapping == null) {
            throw new IllegalArgumentException("unknown provider '" + id + "'");
        }
        return mapping;
    }

    /**
     * The provider id as given, or a rejection naming the file and line that asked for it: an unknown provider, or
     * one without a key while the sandbox does not answer for it. Nothing is submitted for a rejected job.
     */
    public String require(String id, String fileName, Integer line) {
        if (!mappings.containsKey(id)) {
            throw new PromptFileException(fileName, line, "provider", "unknown provider '" + id + "'",
                    "use one of " + String.join(", ", mappings.keySet()));
        }
        ProviderSettings settings = mappings.get(id).settings();
        if (!settings.hasKey()) {
            List<String> live = mappings.values().stream().filter(m -> m.settings().hasKey()).map(ProviderMapping::id)
                    .toList();
            throw new PromptFileException(fileName, line, "provider", id + " has no API key, and the sandbox does not "
                                                                        + "answer for it (" + sandboxRule + ")",
                    "set " + mappings.get(id).keyVariables() + " and restart"
                    + (live.isEmpty() ? "" : ", or name a provider that has a key: " + String.join(", ", live)));
        }
        return id;
    }

    /** Whether the built-in sandbox answers for this provider (it has no key of its own). */
    public boolean isSandbox(String id) {
        return mapping(id).settings().sandbox();
    }

    /** {@code modelscope}, or {@code modelscope (sandbox)} where the built-in sandbox answers: for log lines. */
    public String describe(String id) {
        return isSandbox(id) ? id + " (sandbox)" : id;
    }
}
