package dev.promptrelay.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.promptrelay.provider.ProviderCatalog;
import dev.promptrelay.provider.ProviderMapping;
import dev.promptrelay.provider.ProviderSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * GET /api/providers: what each provider is here, from the settings and the circuit breakers, never its key: who
 * answers its jobs (the provider itself, the built-in sandbox, or nobody: its jobs are rejected), its address, its
 * models known from the settings, its caps, and whether promptrelay is leaving it alone for now.
 */
public class ProvidersApi {

    private final ProviderCatalog providers;
    private final Map<String, CircuitBreaker> breakers;
    private final Map<String, Integer> requestsPerMinute;

    public ProvidersApi(ProviderCatalog providers, Map<String, CircuitBreaker> breakers,
                        Map<String, Integer> requestsPerMinute) {
        this.providers = providers;
        this.breakers = breakers;
        this.requestsPerMinute = requestsPerMinute;
    }

    public ApiReply list() {
        List<Provider> list = new ArrayList<>();
        for (ProviderMapping mapping : providers.all()) {
            ProviderSettings settings = mapping.settings();
            String answeredBy = settings.sandbox() ? "sandbox" : settings.hasKey() ? "live" : "nobody";
            CircuitBreaker breaker = breakers.get(mapping.id());
            dev.promptrelay.provider.ProviderProfile profile = mapping instanceof dev.promptrelay.provider.ProfileMapping p
                    ? p.profile() : null;
            List<String> models = new ArrayList<>();
            if (!settings.model().isEmpty()) {
                models.add(settings.model());
            }
            if (profile != null) {
                profile.models().keySet().stream().filter(m -> !models.contains(m)).forEach(models::add);
            }
            list.add(new Provider(mapping.id(), mapping.displayName(), answeredBy, settings.baseUrl(),
                    settings.model().isEmpty() ? null : settings.model(), models, settings.maxConcurrent(),
                    requestsPerMinute.getOrDefault(mapping.id(), 0),
                    breaker == null ? null : breaker.getState().name(), settings.hasKey(),
                    settings.hasKey() ? null : mapping.keyVariables(), profile == null ? null : profile.file(),
                    profile != null && profile.cancels()));
        }
        return ApiReply.of(200, new ProviderList(list));
    }

    /** The providers, in the order of the settings. */
    public record ProviderList(List<Provider> providers) {
    }

    /**
     * One provider: {@code answered_by} is {@code live}, {@code sandbox} or {@code nobody}; {@code circuit_breaker}
     * is {@code CLOSED} (called as usual), {@code OPEN} (left alone after failures) or {@code HALF_OPEN} (one request
     * tries it again); {@code key_from} says where to set a missing key; {@code profile} is the YAML profile a provider
     * comes from (absent for the built-in ones); {@code stops_tasks}: a cancel stops its running tasks there.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Provider(String id, String name, String answeredBy, String baseUrl, String defaultModel,
                           List<String> models, int maxConcurrent, int requestsPerMinute, String circuitBreaker,
                           boolean keySet, String keyFrom, String profile, boolean stopsTasks) {
    }
}
