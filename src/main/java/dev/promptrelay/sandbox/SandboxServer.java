package dev.promptrelay.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on 127.0.0.1 that answers like the providers do, so promptrelay runs and is tested with no key.
 * It counts what it receives at {@code GET /_sandbox/stats}.
 */
public class SandboxServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final SandboxBehaviour behaviour;
    private final Map<String, AtomicLong> counters = new LinkedHashMap<>();
    private HttpServer server;
    private ExecutorService executor;

    public SandboxServer(SandboxBehaviour behaviour) {
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
        ModelScopeSandbox modelScope = new ModelScopeSandbox(this, behaviour);
        server.createContext("/v1/", modelScope::handle);
        server.createContext("/sandbox-files/", modelScope::download);
        server.createContext("/_sandbox/stats", this::stats);
        server.start();
        return this;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public long count(String counter) {
        return counters.get(counter).get();
    }

    void increment(String counter) {
        counters.get(counter).incrementAndGet();
    }

    private void stats(HttpExchange exchange) throws IOException {
        Map<String, Long> snapshot = new LinkedHashMap<>();
        counters.forEach((k, v) -> snapshot.put(k, v.get()));
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
