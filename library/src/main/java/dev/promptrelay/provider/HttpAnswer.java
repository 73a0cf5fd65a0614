package dev.promptrelay.provider;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a provider answered: status, headers (looked up without regard to case) and the body as text.
 */
public record HttpAnswer(int status, Map<String, String> headers, String body) {

    public HttpAnswer {
        TreeMap<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        headers = byName;
        body = body == null ? "" : body;
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    public String header(String name) {
        return headers.get(name);
    }
}
