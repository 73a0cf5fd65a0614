package dev.promptrelay.provider;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A provider's redirects on polls, links and downloads are followed, a few hops at most; the credentials go along only
 * where the redirect stays on the provider's own host (scheme, host and port), never to another host.
 */
final class Redirects {

    static final int MAX_HOPS = 5;

    private Redirects() {
    }

    static boolean isRedirect(int status) {
        return status >= 300 && status < 400;
    }

    /** The same GET at the answer's Location, or null when it names none (or nothing usable), or after too many hops. */
    static ProviderCall follow(ProviderCall call, String location, String providerBaseUrl) {
        if (call == null || call.redirects() >= MAX_HOPS || location == null || location.isBlank()) {
            return null;
        }
        URI target;
        try {
            target = URI.create(call.url()).resolve(location.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!"http".equalsIgnoreCase(target.getScheme()) && !"https".equalsIgnoreCase(target.getScheme())) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>(call.headers());
        if (!sameOrigin(target, URI.create(providerBaseUrl))) {
            headers.keySet().removeIf(name -> name.equalsIgnoreCase("Authorization"));
        }
        return new ProviderCall("GET", target.toString(), headers, null, call.redirects() + 1, call.step());
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
               && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
