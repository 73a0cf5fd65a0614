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
 * API through a DNS name it controls (DNS rebinding).
 */
public final class ApiAccess {

    private final String token;
    private final Set<String> hostNames;

    /**
     * @param token        {@code promptrelay.api.token}, empty for none
     * @param serverHost   {@code camel.server.host}
     * @param allowedHosts {@code promptrelay.api.allowed-hosts}: more names the Host header may give, comma separated
     */
    public ApiAccess(String token, String serverHost, String allowedHosts) {
        this.token = token == null ? "" : token.strip();
        Set<String> names = new LinkedHashSet<>(Set.of("localhost", "127.0.0.1", "::1"));
        names.add(bare(serverHost));
        Arrays.stream(allowedHosts == null ? new String[0] : allowedHosts.split(","))
                .map(ApiAccess::bare).filter(n -> !n.isEmpty()).forEach(names::add);
        this.hostNames = Set.copyOf(names);
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
     * Null when the request may go on; otherwise the refusal to answer with. The host is the request's Host header,
     * or over HTTP/2 (no Host header) the authority of its URL.
     */
    public ApiReply refusal(@Header("Authorization") String authorization, @Header("Host") String hostHeader,
                            @Header(Exchange.HTTP_URL) String url) {
        String host = hostHeader;
        if (host == null || host.isBlank()) {
            try {
                host = url == null ? null : java.net.URI.create(url).getRawAuthority();
            } catch (IllegalArgumentException e) {
                host = null;
            }
        }
        Refusal refusal = check(authorization, host);
        return refusal == null ? null : ApiReply.error(refusal.status(), refusal.error(), refusal.whatToDo());
    }

    /**
     * For the gallery page, which holds no data of its own (its calls to the API carry the token): null when it may be
     * served; without a token, only to requests that name this server, as for the API.
     */
    public ApiReply pageRefusal(@Header("Host") String hostHeader, @Header(Exchange.HTTP_URL) String url) {
        return hasToken() ? null : refusal(null, hostHeader, url);
    }

    /** A host without brackets, in lower case. */
    private static String bare(String host) {
        String name = host == null ? "" : host.strip().toLowerCase(Locale.ROOT);
        return name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
    }

    record Refusal(int status, String error, String whatToDo) {
    }
}
