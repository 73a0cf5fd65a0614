package dev.promptrelay;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A ModelScope stand-in for several nodes at once, written apart from the sandbox: tasks take L milliseconds; beyond
 * C running at once a submit gets a bare 429 (and is counted as a refusal); every submit is counted by its prompt,
 * so a prompt paid twice shows.
 */
final class CappedProvider implements AutoCloseable {

    private static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==");

    private final long latencyMillis;
    private final int concurrency;
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> submitsByPrompt = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger(1);
    private final AtomicInteger refused = new AtomicInteger();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);

    CappedProvider(long latencyMillis, int concurrency) throws IOException {
        this.latencyMillis = latencyMillis;
        this.concurrency = concurrency;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            long now = System.currentTimeMillis();
            if (path.equals("/v1/images/generations")) {
                JsonNode request = TestFolders.JSON.readTree(body);
                synchronized (this) {
                    long running = started.values().stream().filter(t -> now < t + latencyMillis).count();
                    if (running >= concurrency) {
                        refused.incrementAndGet();
                        respond(exchange, 429, "{\"errors\": {\"message\": \"too many tasks\"}}");
                        return;
                    }
                    String id = String.valueOf(ids.getAndIncrement());
                    started.put(id, now);
                    submitsByPrompt.computeIfAbsent(request.path("prompt").asText(), p -> new AtomicInteger())
                            .incrementAndGet();
                    respond(exchange, 200, "{\"task_id\": \"" + id + "\"}");
                }
            } else if (path.startsWith("/v1/tasks/")) {
                Long start = started.get(path.substring("/v1/tasks/".length()));
                if (start == null) {
                    respond(exchange, 404, "{\"errors\": {\"message\": \"no such task\"}}");
                } else if (now < start + latencyMillis) {
                    respond(exchange, 200, "{\"task_status\": \"RUNNING\"}");
                } else {
                    respond(exchange, 200, "{\"task_status\": \"SUCCEED\", \"output_images\": [\"" + baseUrl()
                                           + "/files/" + path.substring("/v1/tasks/".length()) + ".png\"]}");
                }
            } else if (path.startsWith("/files/")) {
                exchange.getResponseHeaders().set("Content-Type", "image/png");
                exchange.sendResponseHeaders(200, PNG.length);
                exchange.getResponseBody().write(PNG);
            } else {
                respond(exchange, 404, "{}");
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Submits of each prompt. */
    Map<String, Integer> submitsByPrompt() {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        submitsByPrompt.forEach((prompt, n) -> counts.put(prompt, n.get()));
        return counts;
    }

    int refused() {
        return refused.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
