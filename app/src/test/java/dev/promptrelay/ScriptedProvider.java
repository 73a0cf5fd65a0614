package dev.promptrelay;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.promptrelay.sandbox.PlaceholderImage;

/**
 * A provider whose answers a test scripts: per job (recognised by a marker in the submit body) a sequence of answers
 * for each method and path, the last one repeating. It records every request, so a test can count submits per job and
 * check headers. Answers may say {@code {base}} for this server's URL.
 */
final class ScriptedProvider implements AutoCloseable {

    /** @param receivedNanos when it arrived ({@link System#nanoTime}), to check the waits a provider asked for */
    record Request(String method, String path, Map<String, List<String>> headers, String body, String script,
                   long receivedNanos, String query) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /**
     * One scripted answer; {@code hangUp} closes the connection without answering, as a crashed gateway does;
     * {@code stall} sends the headers and half the body, then waits until {@link #releaseStalled()} (a transfer that
     * hangs mid-way).
     */
    record Answer(int status, Map<String, String> headers, byte[] body, boolean hangUp, boolean stall) {
        Answer(int status, Map<String, String> headers, byte[] body, boolean hangUp) {
            this(status, headers, body, hangUp, false);
        }
    }

    /** The scripted answers of one job. */
    final class Script {
        final String marker;
        private final Map<String, List<Answer>> answers = new LinkedHashMap<>();
        private final Map<String, Integer> served = new LinkedHashMap<>();

        Script(String marker) {
            this.marker = marker;
        }

        Script on(String method, String path, Answer... sequence) {
            answers.put(method + " " + path, new ArrayList<>(Arrays.asList(sequence)));
            return this;
        }

        synchronized Answer next(String key) {
            List<Answer> sequence = answers.get(key);
            int n = served.merge(key, 1, Integer::sum) - 1;
            return sequence.get(Math.min(n, sequence.size() - 1));
        }

        boolean answers(String key) {
            return answers.containsKey(key);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final List<Script> scripts = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(1);

    ScriptedProvider() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    Script script(String marker) {
        Script script = new Script(marker);
        scripts.add(script);
        return script;
    }

    static Answer json(int status, String body, String... headerPairs) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        for (int i = 0; i + 1 < headerPairs.length; i += 2) {
            headers.put(headerPairs[i], headerPairs[i + 1]);
        }
        return new Answer(status, headers, body.getBytes(StandardCharsets.UTF_8), false);
    }

    static Answer text(int status, String body) {
        return new Answer(status, Map.of("Content-Type", "text/plain"), body.getBytes(StandardCharsets.UTF_8), false);
    }

    static Answer png(String label) {
        return new Answer(200, Map.of("Content-Type", "image/png"), PlaceholderImage.png(label, 1, 96, 64, "scripted"),
                false);
    }

    static Answer bytes(String contentType, byte[] content) {
        return new Answer(200, Map.of("Content-Type", contentType), content, false);
    }

    static Answer stalled(Answer answer) {
        return new Answer(answer.status(), answer.headers(), answer.body(), false, true);
    }

    /** Lets every stalled transfer finish (or fail, when its client is gone). */
    void releaseStalled() {
        stalled.countDown();
    }

    static Answer hangUp() {
        return new Answer(0, Map.of(), new byte[0], true);
    }

    /** Every request a job's script answered, oldest first. */
    List<Request> requestsOf(String marker) {
        return requests.stream().filter(r -> marker.equals(r.script())).toList();
    }

    long count(String marker, String method, String pathPrefix) {
        return requestsOf(marker).stream().filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix))
                .count();
    }

    /** Requests no script expected: a test asserts there are none. */
    List<Request> unscripted() {
        return requests.stream().filter(r -> r.script() == null).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String query = exchange.getRequestURI().getRawQuery();
        String plainKey = method + " " + path;
        String key = plainKey;
        Script match = null;
        for (Script script : scripts) {
            // a path with its query (get_result?id=...) where a script names one; else the path alone
            String candidate = query != null && script.answers(plainKey + "?" + query) ? plainKey + "?" + query : plainKey;
            // a shared path (the submit) needs the job's marker in the body; ids in other paths are unique
            if (script.answers(candidate) && (body.isEmpty() || body.contains(script.marker))) {
                match = script;
                key = candidate;
                break;
            }
        }
        requests.add(new Request(method, path, Map.copyOf(exchange.getRequestHeaders()), body,
                match == null ? null : match.marker, System.nanoTime(), query));
        if (match == null) {
            respond(exchange, json(404, "{\"message\": \"unscripted request " + key + "\"}"));
            return;
        }
        Answer answer = match.next(key);
        if (answer.hangUp()) {
            exchange.close();
            return;
        }
        respond(exchange, answer);
    }

    private void respond(HttpExchange exchange, Answer answer) throws IOException {
        byte[] body = answer.body();
        if (answer.headers().getOrDefault("Content-Type", "").contains("json")) {
            body = new String(body, StandardCharsets.UTF_8).replace("{base}", baseUrl()).getBytes(StandardCharsets.UTF_8);
        }
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (answer.stall()) {
                out.write(body, 0, body.length / 2);
                out.flush();
                try {
                    if (!stalled.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                out.write(body, body.length / 2, body.length - body.length / 2);
                return;
            }
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
