package dev.promptrelay.provider;

import java.util.Map;

/**
 * One HTTP request to a provider, as its mapping describes it; the routes send it with camel-http. They read its parts
 * as {@code ${exchangeProperty.call.body}}: no part has both a record accessor and a getter, which the simple language
 * finds ambiguous in some contexts.
 *
 * @param redirects how many redirects led to this request (0 for the provider's own address)
 * @param step      what the request asks for where one address can answer two things ({@code result}), else null
 */
public record ProviderCall(String method, String url, Map<String, String> headers, byte[] body, int redirects,
        String step) {

    public ProviderCall(String method, String url, Map<String, String> headers, byte[] body) {
        this(method, url, headers, body, 0, null);
    }

    /** The same request asking for the task's result (a provider whose status answer carries no outputs). */
    public ProviderCall forResult() {
        return new ProviderCall(method, url, headers, body, redirects, "result");
    }

    public boolean isForResult() {
        return "result".equals(step);
    }

    /** The answer a provider gave with its submit, kept in the state dir, read instead of asking (a sync provider). */
    public static ProviderCall keptAnswerOf(String jobId) {
        return new ProviderCall("GET", "held:" + jobId, Map.of(), null, 0, "held");
    }

    public boolean isHeld() {
        return "held".equals(step);
    }

    /** An output the answer carried itself (base64): written from the URL, nothing is sent. */
    public boolean isInline() {
        return url.startsWith("data:");
    }

    public static ProviderCall get(String url, Map<String, String> headers) {
        return new ProviderCall("GET", url, headers, null);
    }

    public static ProviderCall post(String url, Map<String, String> headers, byte[] body) {
        return new ProviderCall("POST", url, headers, body);
    }

    /** The URL without its query: what a route's endpoint names. */
    public String getAddress() {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    /** The query exactly as the provider wrote it (signed URLs must not be re-encoded), or null. */
    public String getQuery() {
        int q = url.indexOf('?');
        return q < 0 || q == url.length() - 1 ? null : url.substring(q + 1);
    }

    /** The method as camel-http reads its header: given as text, it is converted by a slow lookup at every request. */
    public org.apache.camel.component.http.HttpMethods getHttpMethod() {
        return org.apache.camel.component.http.HttpMethods.valueOf(method);
    }

    @Override
    public String toString() {
        // never the headers: they hold the key; never a picture carried inline either
        return isInline() ? "inline output (" + url.length() + " characters)" : method + " " + getAddress();
    }
}
