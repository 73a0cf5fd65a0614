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
                    String documented = started.getRestConfiguration().getApiContextPath();
                    if (documented != null && !documented.isBlank()) {
                        calls.add("GET " + documented);
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

    /**
     * The API server's own refusals, made before any route runs (a body over its limit, a method no call has, a
     * request that is not valid HTTP), answered as JSON with what to do, like every error of the API.
     */
    static void answerRefusalsAsJson(CamelContext context) throws Exception {
        context.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                // the server's router is there once the context has started
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) {
                // the API's server, not the management one (each has a router of its own, named by its port)
                org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter routes = started.getRegistry()
                        .findByType(org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter.class).stream()
                        .filter(org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter::isMainServer)
                        .findFirst().orElse(null);
                io.vertx.ext.web.Router router = routes == null ? null : rootRouterOf(routes);
                if (router == null) {
                    LOG.debug("the HTTP server's router is not at hand: its own refusals stay as Vert.x writes them");
                    return;
                }
                router.errorHandler(400, refusal("the request is not valid HTTP (a malformed Host header, say)",
                        "send a well-formed request, naming this server in its Host header"));
                router.errorHandler(404, refusal("there is nothing at this address",
                        "the API's calls are under /api/jobs and /api/providers; the gallery is at /"));
                router.errorHandler(405, refusal("this address does not take that method",
                        "the API's calls are POST and GET /api/jobs, GET and DELETE /api/jobs/{id}, POST "
                        + "/api/jobs/{id}/retry, GET /api/providers; the start log lists them all"));
                router.errorHandler(413, refusal("the request body is larger than the server takes",
                        "split the job into smaller requests; a prompt file is at most promptrelay.max-prompt-file-bytes"));
            }
        });
    }

    /**
     * The router requests reach first: a malformed request, a body over the limit and a method no route takes are
     * refused there, before the routes' own router. Camel keeps it in a private field of its server.
     */
    private static io.vertx.ext.web.Router rootRouterOf(
            org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter routes) {
        try {
            java.lang.reflect.Field field = routes.getServer().getClass().getDeclaredField("router");
            field.setAccessible(true);
            return (io.vertx.ext.web.Router) field.get(routes.getServer());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> refusal(String error, String whatToDo) {
        String body = Json.MAPPER.createObjectNode().put("error", error).put("what_to_do", whatToDo).toString();
        return routing -> {
            if (routing.response().ended() || routing.response().headWritten()) {
                return;
            }
            routing.response().setStatusCode(routing.statusCode() > 0 ? routing.statusCode() : 400)
                    .putHeader("Content-Type", "application/json").end(body);
        };
    }

    private static String url(PromptRelaySettings settings, String server) {
        String host = settings.text(server + ".host", "0.0.0.0");
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + settings.text(server + ".port", "8080");
    }

    /** Where the API's OpenAPI document is served, unless the application names a path of its own. */
    static final String OPENAPI_PATH = "/api/openapi.json";

    /**
     * The API's OpenAPI document, made by camel-openapi-java from the REST definitions: only where promptrelay runs
     * the API (Camel's document needs the HTTP server), and not over an application's own.
     */
    static void documentApi(CamelContext context, PromptRelaySettings settings) {
        org.apache.camel.spi.RestConfiguration rest = context.getRestConfiguration();
        if (rest.getApiContextPath() != null && !rest.getApiContextPath().isBlank()) {
            return;
        }
        rest.setApiContextPath(OPENAPI_PATH);
        java.util.Map<String, Object> properties = rest.getApiProperties() == null
                ? new java.util.HashMap<>() : new java.util.HashMap<>(rest.getApiProperties());
        properties.putIfAbsent("api.title", "promptrelay HTTP API");
        properties.putIfAbsent("api.description",
                "Submit prompts to image and video providers and follow them to their outputs");
        properties.putIfAbsent("api.version", "1");
        // the address the server is bound to, as the start log names it
        properties.putIfAbsent("host", url(settings, "camel.server").replaceFirst("^https?://", ""));
        rest.setApiProperties(properties);
    }
}
