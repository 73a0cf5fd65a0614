package dev.promptrelay.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * Who may call the HTTP API. Beyond this machine only with a token: whether a bind address is "this machine" is
 * decided on what it resolves to, not on how it is spelled. Without a token, a request must also name the server
 * as it is bound (or a name the settings allow) in its {@code Host} header, so a web page elsewhere cannot reach the
 * API through a DNS name it controls (DNS rebinding). A call that changes something (a paid job, a cancel, a retry)
 * is refused, token or not, when a browser says it comes from another web page: an {@code Origin} other than this
 * server's own (or one the settings allow), or {@code Sec-Fetch-Site} other than same-origin or none. A browser lets
 * any page send a POST to another origin without asking first; only these headers tell such a request apart.
 */
public final class ApiAccess {

    /** The methods of calls that change something; reading is left to the token and the Host header. */
    private static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final String token;
    private final Set<String> hostNames;
    private final Set<String> allowedOrigins;

    /**
     * @param token        {@code promptrelay.api.token}, empty for none
     * @param serverHost   {@code camel.server.host}
     * @param allowedHosts {@code promptrelay.api.allowed-hosts}: more names the Host header may give, comma separated
     */
    public ApiAccess(String token, String serverHost, String allowedHosts) {
        this(token, serverHost, allowedHosts, "");
    }

    /**
     * @param allowedOrigins {@code promptrelay.api.allowed-origins}: web pages elsewhere that may change jobs
     *                       ({@code https://studio.example}), comma separated
     */
    public ApiAccess(String token, String serverHost, String allowedHosts, String allowedOrigins) {
        this.token = token == null ? "" : token.strip();
        Set<String> names = new LinkedHashSet<>(Set.of("localhost", "127.0.0.1", "::1"));
        names.add(bare(serverHost));
        Arrays.stream(allowedHosts == null ? new String[0] : allowedHosts.split(","))
                .map(ApiAccess::bare).filter(n -> !n.isEmpty()).forEach(names::add);
        this.hostNames = Set.copyOf(names);
        this.allowedOrigins = Arrays.stream(allowedOrigins == null ? new String[0] : allowedOrigins.split(","))
                .map(ApiAccess::origin).filter(o -> !o.isEmpty()).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** True when every address the host resolves to is a loopback address; an unknown name is not. */
    public static boolean loopbackOnly(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        try {
            InetAddress[] addresses = InetAddress.getAllByName(bare(host));
            return addresses.length > 0 && Arrays.stream(addresses).allMatch(InetAddress::isLoopbackAddress);
        } catch (UnknownHostException e) {
            return false;
        }
    }

    boolean hasToken() {
        return !token.isEmpty();
    }

    /** Null when the request may go on; otherwise the status and the reason to answer with. */
    Refusal check(String authorization, String hostHeader) {
        if (hasToken()) {
            return ("Bearer " + token).equals(authorization) ? null
                    : new Refusal(401, "missing or wrong token", "send Authorization: Bearer <promptrelay.api.token>");
        }
        if (hostHeader == null || !hostNames.contains(bare(hostHeader.replaceFirst(":\\d+$", "")))) {
            return new Refusal(403, "the request's Host header does not name this server",
                    "call the API as http://127.0.0.1:<port>/ or http://localhost:<port>/, add the name you use to "
                    + "promptrelay.api.allowed-hosts, or set promptrelay.api.token");
        }
        return null;
    }

    /**
     * Null when a call that changes something may go on as far as where it comes from is concerned; otherwise why
     * not. A request with neither header comes from a program (curl, a script), not from a page.
     */
    Refusal crossSite(String method, String origin, String fetchSite, String host) {
        if (method == null || !CHANGING.contains(method.toUpperCase(Locale.ROOT))) {
            return null;
        }
        if (fetchSite != null && !fetchSite.isBlank()
            && !Set.of("same-origin", "none").contains(fetchSite.strip().toLowerCase(Locale.ROOT))) {
            return new Refusal(403, "the browser says this call comes from another web page (Sec-Fetch-Site: "
                                    + shown(fetchSite) + "): a page elsewhere may not run, cancel or retry jobs",
                    "use the gallery this server serves, or call the API from a program (curl, a script); a page of "
                    + "your own elsewhere needs its origin in promptrelay.api.allowed-origins");
        }
        if (origin != null && !origin.isBlank()) {
            String from = origin(origin);
            boolean own = !from.isEmpty() && host != null && from.substring(from.indexOf("://") + 3)
                    .equals(authority(from.substring(0, from.indexOf("://")), host));
            if (!own && !allowedOrigins.contains(from)) {
                return new Refusal(403, "this call comes from the web page at " + shown(origin) + " (its Origin "
                                        + "header), not from this server's own gallery: another page may not run, "
                                        + "cancel or retry jobs",
                        "use the gallery this server serves, or call the API from a program (curl, a script); to let "
                        + "that page in, add its origin to promptrelay.api.allowed-origins");
            }
        }
        return null;
    }

    /**
     * Null when the request may go on; otherwise the refusal to answer with. The host is the request's Host header,
     * or over HTTP/2 (no Host header) the authority of its URL.
     */
    public ApiReply refusal(@Header("Authorization") String authorization, @Header("Host") String hostHeader,
                            @Header(Exchange.HTTP_URL) String url, @Header(Exchange.HTTP_METHOD) Object method,
                            @Header("Origin") String origin, @Header("Sec-Fetch-Site") String fetchSite) {
        String host = hostHeader;
        if (host == null || host.isBlank()) {
            try {
                host = url == null ? null : java.net.URI.create(url).getRawAuthority();
            } catch (IllegalArgumentException e) {
                host = null;
            }
        }
        Refusal refusal = crossSite(method == null ? null : method.toString(), origin, fetchSite, host);
        if (refusal == null) {
            refusal = check(authorization, host);
        }
        return refusal == null ? null : ApiReply.error(refusal.status(), refusal.error(), refusal.whatToDo());
    }

    /**
     * For the gallery page, which holds no data of its own (its calls to the API carry the token): null when it may be
     * served; without a token, only to requests that name this server, as for the API.
     */
    public ApiReply pageRefusal(@Header("Host") String hostHeader, @Header(Exchange.HTTP_URL) String url) {
        return hasToken() ? null : refusal(null, hostHeader, url, "GET", null, null);
    }

    /**
     * An origin as browsers send it, {@code scheme://host[:port]} in lower case without its default port; empty for
     * {@code null} (a file or sandboxed page) or anything else that is not one.
     */
    private static String origin(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        int separator = value.indexOf("://");
        if (separator <= 0 || value.indexOf('/', separator + 3) >= 0) {
            return "";
        }
        String scheme = value.substring(0, separator);
        return scheme + "://" + authority(scheme, value.substring(separator + 3));
    }

    /** A Host header or an origin's authority, in lower case, without the scheme's default port. */
    private static String authority(String scheme, String host) {
        String value = host.strip().toLowerCase(Locale.ROOT);
        String defaultPort = "https".equals(scheme) ? ":443" : "http".equals(scheme) ? ":80" : null;
        return defaultPort != null && value.endsWith(defaultPort)
                ? value.substring(0, value.length() - defaultPort.length()) : value;
    }

    /** A header's value as it may be shown in an answer: short, one line. */
    private static String shown(String value) {
        String line = value.replaceAll("\\p{Cntrl}", "?");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /** A host without brackets, in lower case. */
    private static String bare(String host) {
        String name = host == null ? "" : host.strip().toLowerCase(Locale.ROOT);
        return name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
    }

    record Refusal(int status, String error, String whatToDo) {
    }
}
