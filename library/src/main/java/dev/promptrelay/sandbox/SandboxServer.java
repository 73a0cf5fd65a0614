package dev.promptrelay.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptrelay.Json;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on 127.0.0.1 that answers like the providers do, so promptrelay runs and is tested with no key.
 * It counts what it receives at {@code GET /_sandbox/stats}.
 */
public class SandboxServer implements AutoCloseable {

    static {
        // the JDK's server writes headers and body apart with Nagle's algorithm on: against the client's delayed
        // ACK, every answer would wait up to 40 ms, which no real provider's server adds (read once, at first use)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    static final ObjectMapper JSON = Json.MAPPER;
    static final String MODELLIX_PREFIX = "/modellix/api/v1";
    static final String SCENARIO_PREFIX = "/scenario/v1";

    private volatile SandboxBehaviour behaviour;
    private final SandboxTimings timings = new SandboxTimings();
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final SandboxStore store;
    private HttpServer server;
    private ExecutorService executor;

    public SandboxServer(SandboxBehaviour behaviour) {
        this(behaviour, null);
    }

    /** @param tasksFile where the sandbox keeps its tasks across restarts; null: in memory only */
    public SandboxServer(SandboxBehaviour behaviour, java.nio.file.Path tasksFile) {
        this.store = new SandboxStore(tasksFile);
        this.behaviour = behaviour;
        for (String name : new String[] {"submits", "polls", "downloads", "rejected", "throttled", "early"}) {
            counters.put(name, new AtomicLong());
        }
    }

    public SandboxServer start(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 100);
        executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "sandbox-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        ModelScopeSandbox modelScope = new ModelScopeSandbox(this);
        server.createContext("/v1/", modelScope::handle);
        server.createContext("/sandbox-files/modelscope/", modelScope::download);
        ModellixSandbox modellix = new ModellixSandbox(this);
        server.createContext(MODELLIX_PREFIX + "/", modellix::handle);
        server.createContext("/sandbox-files/modellix/", modellix::download);
        ScenarioSandbox scenario = new ScenarioSandbox(this);
        server.createContext(SCENARIO_PREFIX + "/", scenario::handle);
        server.createContext("/sandbox-files/scenario/", scenario::download);
        server.createContext("/_sandbox/stats", this::stats);
        server.createContext("/_sandbox/faults", this::faults);
        server.start();
        return this;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The base URL a provider's settings take to reach its sandbox: each provider's full prefix, as in production. */
    public String baseUrlFor(String provider) {
        return switch (provider) {
            case "modelscope" -> baseUrl();
            case "modellix" -> baseUrl() + MODELLIX_PREFIX;
            case "scenario" -> baseUrl() + SCENARIO_PREFIX;
            default -> throw new IllegalArgumentException("the sandbox does not speak provider '" + provider + "'");
        };
    }

    public SandboxTimings timings() {
        return timings;
    }

    SandboxBehaviour behaviour() {
        return behaviour;
    }

    SandboxStore store() {
        return store;
    }

    /** Switches injected faults on or off while running: {@code POST /_sandbox/faults} with any of the fields. */
    private void faults(HttpExchange exchange) throws IOException {
        if (exchange.getRequestMethod().equals("POST")) {
            com.fasterxml.jackson.databind.JsonNode body = JSON.readTree(text(exchange));
            SandboxFaults now = behaviour.faults();
            behaviour = behaviour.withFaults(new SandboxFaults(
                    body.path("throttle_every").asInt(now.throttleEvery()),
                    body.path("submit_error_every").asInt(now.submitErrorEvery()),
                    body.path("fail_polls_percent").asInt(now.failPollsPercent()),
                    body.path("reset_polls_percent").asInt(now.resetPollsPercent()),
                    body.path("malformed_polls_percent").asInt(now.malformedPollsPercent()),
                    body.path("refuse_every").asInt(now.refuseEvery()),
                    body.path("never_end_every").asInt(now.neverEndEvery()),
                    body.path("slow_millis").asLong(now.slowMillis()),
                    body.path("retry_after_seconds").asInt(now.retryAfterSeconds())));
        }
        SandboxFaults f = behaviour.faults();
        Map<String, Object> current = new java.util.LinkedHashMap<>();
        current.put("throttle_every", f.throttleEvery());
        current.put("submit_error_every", f.submitErrorEvery());
        current.put("fail_polls_percent", f.failPollsPercent());
        current.put("reset_polls_percent", f.resetPollsPercent());
        current.put("malformed_polls_percent", f.malformedPollsPercent());
        current.put("refuse_every", f.refuseEvery());
        current.put("never_end_every", f.neverEndEvery());
        current.put("slow_millis", f.slowMillis());
        current.put("retry_after_seconds", f.retryAfterSeconds());
        respondJson(exchange, 200, current);
    }

    /** A count over all providers ({@code submits}) or for one ({@code modellix.submits}). */
    public long count(String counter) {
        AtomicLong value = counters.get(counter);
        return value == null ? 0 : value.get();
    }

    void increment(String provider, String counter) {
        counters.computeIfAbsent(counter, k -> new AtomicLong()).incrementAndGet();
        counters.computeIfAbsent(provider + "." + counter, k -> new AtomicLong()).incrementAndGet();
    }

    private void stats(HttpExchange exchange) throws IOException {
        Map<String, Object> snapshot = new TreeMap<>();
        counters.forEach((k, v) -> snapshot.put(k, v.get()));
        snapshot.putAll(timings.summary());
        respond(exchange, 200, "application/json", JSON.writeValueAsBytes(snapshot));
    }

    static void respondJson(HttpExchange exchange, int status, Object body) throws IOException {
        respond(exchange, status, "application/json", JSON.writeValueAsBytes(body));
    }

    static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** A request with a non-empty Bearer token, as ModelScope and Modellix require. */
    static boolean hasBearer(HttpExchange exchange) {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        return auth != null && auth.startsWith("Bearer ") && auth.length() > "Bearer ".length();
    }

    static String text(HttpExchange exchange) throws IOException {
        return new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            try {
                executor.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
