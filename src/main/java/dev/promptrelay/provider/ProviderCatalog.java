package dev.promptrelay.provider;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.promptrelay.prompt.PromptFileException;

/**
 * The configured providers by id.
 */
public class ProviderCatalog {

    private final Map<String, ProviderMapping> mappings = new LinkedHashMap<>();

    public ProviderCatalog(Collection<ProviderMapping> mappings) {
        mappings.forEach(m -> this.mappings.put(m.id(), m));
    }

    public ProviderMapping mapping(String id) {
        ProviderMapping mapping = mappings.get(id);
        if (mapping == null) {
            throw new IllegalArgumentException("unknown provider '" + id + "'");
        }
        return mapping;
    }

    /** The provider id as given, or a rejection naming the file and line that asked for it. */
    public String require(String id, String fileName, Integer line) {
        if (!mappings.containsKey(id)) {
            throw new PromptFileException(fileName, line, "provider", "unknown provider '" + id + "'",
                    "use one of " + String.join(", ", mappings.keySet()));
        }
        return id;
    }
}
