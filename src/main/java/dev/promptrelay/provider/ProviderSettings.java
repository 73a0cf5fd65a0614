package dev.promptrelay.provider;

/**
 * What the user configured for one provider; {@code sandbox} is true when no key was set and the built-in sandbox
 * answers instead.
 */
public record ProviderSettings(String id, String baseUrl, String apiKey, String model, boolean sandbox,
        int maxConcurrent) {

    public ProviderSettings {
        baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public ProviderSettings inSandbox(String sandboxUrl) {
        return new ProviderSettings(id, sandboxUrl, "sandbox-key", model, true, maxConcurrent);
    }

    @Override
    public String toString() {
        // the key stays out of every log line and message
        return "ProviderSettings[id=" + id + ", baseUrl=" + baseUrl + ", model=" + model + ", sandbox=" + sandbox
               + ", maxConcurrent=" + maxConcurrent + "]";
    }
}
