package dev.promptrelay.provider;

/**
 * What the user configured for one provider; {@code sandbox} is true when no key was set and the built-in sandbox
 * answers instead. {@code apiSecret} is used only by providers that authenticate with a key pair (Scenario).
 */
public record ProviderSettings(String id, String baseUrl, String apiKey, String apiSecret, String model,
        boolean sandbox, int maxConcurrent) {

    public ProviderSettings {
        baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        apiKey = apiKey == null ? "" : apiKey.strip();
        apiSecret = apiSecret == null ? "" : apiSecret.strip();
    }

    public ProviderSettings inSandbox(String sandboxUrl) {
        return new ProviderSettings(id, sandboxUrl, "sandbox-key", "sandbox-secret", model, true, maxConcurrent);
    }

    public ProviderSettings withKey(String key, String defaultModel) {
        return new ProviderSettings(id, baseUrl, key, apiSecret, defaultModel, sandbox, maxConcurrent);
    }

    public boolean hasKey() {
        return !apiKey.isEmpty();
    }

    /** Where users put this provider's key: the environment variables its settings read. */
    public String keyVariables() {
        return switch (id) {
            case "modelscope" -> "MODELSCOPE_API_KEY";
            case "modellix" -> "MODELLIX_API_KEY";
            case "scenario" -> "SCENARIO_API_KEY and SCENARIO_API_SECRET";
            default -> "promptrelay." + id + ".api-key";
        };
    }

    @Override
    public String toString() {
        // keys and secrets stay out of every log line and message
        return "ProviderSettings[id=" + id + ", baseUrl=" + baseUrl + ", model=" + model + ", sandbox=" + sandbox
               + ", maxConcurrent=" + maxConcurrent + "]";
    }
}
