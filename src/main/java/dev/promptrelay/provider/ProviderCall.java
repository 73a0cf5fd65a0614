package dev.promptrelay.provider;

import java.util.Map;

/**
 * One HTTP request to a provider, as its mapping describes it; the route sends it with camel-http.
 */
public record ProviderCall(String method, String url, Map<String, String> headers, byte[] body) {

    public static ProviderCall get(String url, Map<String, String> headers) {
        return new ProviderCall("GET", url, headers, null);
    }

    public static ProviderCall post(String url, Map<String, String> headers, byte[] body) {
        return new ProviderCall("POST", url, headers, body);
    }
}
