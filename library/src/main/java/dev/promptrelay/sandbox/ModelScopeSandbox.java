package dev.promptrelay.sandbox;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * ModelScope's API-Inference protocol as PROVIDERS.md describes it, including its quirks: both submit answer shapes,
 * task ids sent as numbers, "task not found" without the task type header, PENDING then RUNNING or PROCESSING.
 */
class ModelScopeSandbox {

    private static final Pattern SIZE = Pattern.compile("(\\d+)x(\\d+)");
    private static final Pattern TASK_PATH = Pattern.compile("/v1/tasks/([^/]+)");
    private static final Pattern FILE_PATH = Pattern.compile("/sandbox-files/modelscope/([^/]+)/(\\d+)\\.png");

    private final SandboxServer server;
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();
    private static final long FIRST_ID = 5_075_521;
    private final AtomicLong nextId = new AtomicLong(FIRST_ID);
    private final AtomicLong submitRequests = new AtomicLong();
    private final AtomicLong pollRequests = new AtomicLong();
    /** Seeded: the same benchmark run draws the same durations. */
    private final java.util.Random durations = new java.util.Random(42);
    private volatile long retryAllowedAt;
    private volatile long throttledAt;
    /**
     * Requests sent before the client could have read a 429 are not early: they were already on their way. A third of
     * the Retry-After: on a loaded machine such a request arrives late (once 100 ms, with four test JVMs on two
     * cores), so a test that must not depend on speed gives a longer Retry-After and with it a longer allowance.
     */
    private volatile long inFlightMillis = 333;

    private record Task(String id, String model, String prompt, long seed, int width, int height, long createdAt,
            long durationMillis, java.util.concurrent.atomic.AtomicInteger polls,
            java.util.concurrent.atomic.AtomicBoolean detected) {

        long endsAt() {
            return createdAt + durationMillis;
        }
    }

    ModelScopeSandbox(SandboxServer server) {
        this.server = server;
        for (Map<String, Object> t : server.store().load("modelscope")) {
            Task task = new Task(SandboxStore.text(t, "id"), SandboxStore.text(t, "model"), SandboxStore.text(t, "prompt"),
                    SandboxStore.number(t, "seed"), (int) SandboxStore.number(t, "width"),
                    (int) SandboxStore.number(t, "height"), SandboxStore.number(t, "createdAt"),
                    SandboxStore.number(t, "durationMillis"), new java.util.concurrent.atomic.AtomicInteger(),
                    new java.util.concurrent.atomic.AtomicBoolean());
            tasks.put(task.id(), task);
            nextId.set(Math.max(nextId.get(), Long.parseLong(task.id()) + 1));
        }
    }

    void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!SandboxServer.hasBearer(exchange)) {
            reject(exchange, 401, "Invalid or missing API token.");
            return;
        }
        SandboxFaults faults = server.behaviour().faults();
        if (faults.slowMillis() > 0) {
            try {
                Thread.sleep(faults.slowMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        long now = System.currentTimeMillis();
        if (now < retryAllowedAt && now - throttledAt > inFlightMillis) {
            // a client that honours Retry-After for all its jobs never gets here
            server.increment("modelscope", "early");
        }
        if (path.equals("/v1/images/generations") && exchange.getRequestMethod().equals("POST")) {
            submit(exchange);
            return;
        }
        Matcher task = TASK_PATH.matcher(path);
        if (task.matches() && exchange.getRequestMethod().equals("GET")) {
            poll(exchange, task.group(1));
            return;
        }
        reject(exchange, 404, "No such endpoint: " + exchange.getRequestMethod() + " " + path);
    }

    private void submit(HttpExchange exchange) throws IOException {
        long request = submitRequests.incrementAndGet();
        SandboxFaults faults = server.behaviour().faults();
        if (SandboxFaults.every(faults.throttleEvery(), request)) {
            server.increment("modelscope", "throttled");
            long retryAfter = faults.retryAfterSeconds() * 1000L;
            inFlightMillis = retryAfter / 3;
            throttledAt = System.currentTimeMillis();
            retryAllowedAt = throttledAt + retryAfter;
            exchange.getResponseHeaders().set("Retry-After", String.valueOf(faults.retryAfterSeconds()));
            SandboxServer.respondJson(exchange, 429,
                    Map.of("errors", Map.of("message", "Request limit exceeded.", "request_id", UUID.randomUUID().toString())));
            return;
        }
        if (!"true".equals(exchange.getRequestHeaders().getFirst("X-ModelScope-Async-Mode"))) {
            reject(exchange, 400, "This model only supports async calls: set X-ModelScope-Async-Mode: true.");
            return;
        }
        JsonNode body;
        try {
            body = SandboxServer.JSON.readTree(SandboxServer.text(exchange));
        } catch (IOException e) {
            reject(exchange, 400, "Request body is not valid JSON.");
            return;
        }
        String model = body == null ? "" : body.path("model").asText("");
        String prompt = body == null ? "" : body.path("prompt").asText("");
        if (model.isBlank() || prompt.isBlank()) {
            reject(exchange, 400, "Fields model and prompt are required.");
            return;
        }
        int width = 1024;
        int height = 1024;
        if (body.hasNonNull("size")) {
            Matcher size = SIZE.matcher(body.get("size").asText());
            if (!size.matches() || Integer.parseInt(size.group(1)) < 64 || Integer.parseInt(size.group(2)) < 64
                || Integer.parseInt(size.group(1)) > 2048 || Integer.parseInt(size.group(2)) > 2048) {
                reject(exchange, 400, "Invalid size '" + body.get("size").asText() + "': use WxH from 64 to 2048.");
                return;
            }
            width = Integer.parseInt(size.group(1));
            height = Integer.parseInt(size.group(2));
        }
        long seed = body.hasNonNull("seed") ? body.get("seed").asLong() : Math.abs((long) prompt.hashCode());
        int maxRunning = server.behaviour().maxRunning();
        long now = System.currentTimeMillis();
        if (maxRunning > 0 && tasks.values().stream().filter(t -> t.endsAt() > now).count() >= maxRunning) {
            server.increment("modelscope", "over-limit");
            exchange.getResponseHeaders().set("Retry-After", "1");
            SandboxServer.respondJson(exchange, 429, Map.of("errors", Map.of("message",
                    "Too many concurrent tasks: at most " + maxRunning + " may run at once.")));
            return;
        }
        long number = nextId.getAndIncrement();
        String id = String.valueOf(number);
        long duration;
        synchronized (durations) {
            duration = server.behaviour().drawTaskMillis(durations);
        }
        Task created = new Task(id, model, prompt, seed, width, height, now, duration,
                new java.util.concurrent.atomic.AtomicInteger(), new java.util.concurrent.atomic.AtomicBoolean());
        server.store().append("modelscope", Map.of("id", id, "model", model, "prompt", prompt, "seed", seed,
                "width", width, "height", height, "createdAt", now, "durationMillis", duration));
        tasks.put(id, created);
        server.timings().accepted(now, duration);
        server.increment("modelscope", "submits");
        if (SandboxFaults.every(faults.submitErrorEvery(), request)) {
            // the task exists and will be charged, but the client never learns its id
            server.increment("modelscope", "errored");
            SandboxServer.respondJson(exchange, 500, Map.of("errors", Map.of("message", "Internal server error")));
            return;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        if (number % 2 == 0) {
            // some deployments echo task_status SUCCEED on submit, meaning only "accepted"
            answer.put("task_status", "SUCCEED");
        }
        answer.put("task_id", number % 3 == 0 ? (Object) number : id);
        answer.put("request_id", UUID.randomUUID().toString());
        SandboxServer.respondJson(exchange, 200, answer);
    }

    private void poll(HttpExchange exchange, String id) throws IOException {
        server.increment("modelscope", "polls");
        long poll = pollRequests.incrementAndGet();
        SandboxFaults faults = server.behaviour().faults();
        if (SandboxFaults.percent(faults.failPollsPercent(), poll)) {
            server.increment("modelscope", "unavailable");
            SandboxServer.respondJson(exchange, 503, Map.of("errors", Map.of("message", "Service temporarily unavailable")));
            return;
        }
        if (SandboxFaults.percent(faults.resetPollsPercent(), poll)) {
            server.increment("modelscope", "reset");
            exchange.close();
            return;
        }
        if (SandboxFaults.percent(faults.malformedPollsPercent(), poll)) {
            server.increment("modelscope", "malformed");
            SandboxServer.respond(exchange, 200, "text/html", "<html><body>502 Bad Gateway</body></html>".getBytes());
            return;
        }
        Task task = tasks.get(id);
        if (task == null || !"image_generation".equals(exchange.getRequestHeaders().getFirst("X-ModelScope-Task-Type"))) {
            SandboxServer.respondJson(exchange, 200, Map.of("errors", Map.of("code", 500, "message", "task not found"),
                    "task_status", "FAILED"));
            return;
        }
        task.polls().incrementAndGet();
        long now = System.currentTimeMillis();
        long elapsed = now - task.createdAt();
        long taskMillis = task.durationMillis();
        long number = Long.parseLong(id) - FIRST_ID + 1;
        if (SandboxFaults.every(faults.neverEndEvery(), number)) {
            elapsed = Math.min(elapsed, taskMillis - 1);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("request_id", UUID.randomUUID().toString());
        answer.put("task_id", task.id());
        if (elapsed < taskMillis / 3) {
            answer.put("task_status", "PENDING");
            answer.put("outputs", Map.of());
        } else if (elapsed < taskMillis) {
            answer.put("task_status", Long.parseLong(id) % 2 == 0 ? "RUNNING" : "PROCESSING");
            answer.put("outputs", Map.of());
        } else if (server.behaviour().refuses(task.prompt(), number)) {
            answer.put("errors", Map.of("code", 422, "message", "Output data may contain inappropriate content."));
            answer.put("task_status", "FAILED");
        } else {
            answer.put("task_status", "SUCCEED");
            answer.put("output_images", List.of(server.baseUrl() + "/sandbox-files/modelscope/" + id + "/0.png"));
            answer.put("time_taken", (double) taskMillis);
            if (task.detected().compareAndSet(false, true)) {
                // how late the client noticed the end, and how many polls it spent on the task
                server.timings().detected(now, now - task.endsAt(), task.polls().get(), task.durationMillis());
            }
        }
        SandboxServer.respondJson(exchange, 200, answer);
    }

    void download(HttpExchange exchange) throws IOException {
        Matcher file = FILE_PATH.matcher(exchange.getRequestURI().getPath());
        Task task = file.matches() ? tasks.get(file.group(1)) : null;
        if (task == null) {
            SandboxServer.respond(exchange, 404, "text/plain", "no such file".getBytes());
            return;
        }
        server.increment("modelscope", "downloads");
        SandboxServer.respond(exchange, 200, "image/png",
                PlaceholderImage.png(task.prompt(), task.seed(), task.width(), task.height(), task.model()));
    }

    private void reject(HttpExchange exchange, int status, String message) throws IOException {
        server.increment("modelscope", "rejected");
        SandboxServer.respondJson(exchange, status,
                Map.of("errors", Map.of("code", status, "message", message), "request_id", UUID.randomUUID().toString()));
    }
}
