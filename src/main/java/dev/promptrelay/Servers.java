package dev.promptrelay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runnable application's two servers, the HTTP API ({@code camel.server.*}) and health and metrics
 * ({@code camel.management.*}): a port that is taken stops the start with one line naming it and its setting (Camel
 * would log two stack traces and run on without the server), and once started they are named as they are bound.
 */
final class Servers {

    private static final Logger LOG = LoggerFactory.getLogger(Servers.class);

    private Servers() {
    }

    /** @throws IllegalStateException when a server's port cannot be bound */
    static void checkPorts(PromptRelaySettings settings) {
        for (String server : List.of("camel.server", "camel.management")) {
            if (Boolean.parseBoolean(settings.text(server + ".enabled", "false"))) {
                String host = settings.text(server + ".host", "0.0.0.0");
                int port = Integer.parseInt(settings.text(server + ".port", "8080"));
                if (port == 0) {
                    continue;
                }
                try (ServerSocket socket = new ServerSocket()) {
                    socket.setReuseAddress(true);
                    socket.bind(new InetSocketAddress(host, port));
                } catch (IOException e) {
                    throw new IllegalStateException("port " + port + " on " + host + " cannot be bound (" + e.getMessage()
                                                    + "): stop what uses it, or set " + server + ".port to a free port");
                }
            }
        }
    }

    /** Once started: where the API and the operations endpoints answer, every API call listed. */
    static void logWhereTheyAnswer(CamelContext context, PromptRelaySettings settings) throws Exception {
        context.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                // the summary waits until every route runs
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) throws Exception {
                if (settings.bool("promptrelay.api.enabled")
                    && Boolean.parseBoolean(settings.text("camel.server.enabled", "false"))) {
                    List<String> calls = new ArrayList<>();
                    // by path: the route files load in whatever order the file system lists them
                    List<RestDefinition> rests = new ArrayList<>(((ModelCamelContext) started).getRestDefinitions());
                    rests.sort(java.util.Comparator.comparing(rest -> String.valueOf(rest.getPath())));
                    for (RestDefinition rest : rests) {
                        for (VerbDefinition verb : rest.getVerbs()) {
                            // "/" and "/gallery/{asset}" are served as /gallery/{asset}
                            String path = (rest.getPath() + (verb.getPath() == null ? "" : verb.getPath()))
                                    .replaceAll("/{2,}", "/");
                            calls.add(verb.asVerb().toUpperCase(Locale.ROOT) + " " + started.resolvePropertyPlaceholders(path));
                        }
                    }
                    LOG.info("HTTP API at {}: {}", url(settings, "camel.server"), String.join(", ", calls));
                }
                if (Boolean.parseBoolean(settings.text("camel.management.enabled", "false"))) {
                    LOG.info("Health and metrics at {}: GET /observe/health, GET /observe/metrics",
                            url(settings, "camel.management"));
                }
            }
        });
    }

    private static String url(PromptRelaySettings settings, String server) {
        String host = settings.text(server + ".host", "0.0.0.0");
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + settings.text(server + ".port", "8080");
    }
}
