package dev.promptrelay.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * Modellix's protocol as PROVIDERS.md describes it: the {@code {code, message, data}} envelope on every answer, all
 * three submit path forms, vendor-specific size formats (Alibaba {@code 1328*1328}, ByteDance {@code 2048x2048}),
 * pending then processing or running, failed tasks with no reason, images and videos as resources.
 */
class ModellixSandbox {

    private static final String PREFIX = SandboxServer.MODELLIX_PREFIX;
    private static final Pattern SUBMIT_PATH = Pattern.compile(PREFIX
            + "/(?:(text-to-image|image-to-image|text-to-video|image-to-video)/)?([A-Za-z0-9._-]+)/([A-Za-z0-9._-]+?)(/async)?");
    private static final Pattern TASK_PATH = Pattern.compile(PREFIX + "/tasks/([^/]+)");
    private static final Pattern FILE_PATH = Pattern.compile("/sandbox-files/modellix/([^/]+)/0\\.(png|mp4)");
    private static final Pattern STAR_SIZE = Pattern.compile("(\\d+)\\*(\\d+)");
    private static final Pattern X_SIZE = Pattern.compile("(\\d+)x(\\d+)");

    private final SandboxServer server;
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();

    private record Task(String id, String vendor, String modelId, String prompt, long seed, int width, int height,
            boolean video, long createdAt) {
    }

    ModellixSandbox(SandboxServer server) {
        this.server = server;
        for (Map<String, Object> t : server.store().load("modellix")) {
            Task task = new Task(SandboxStore.text(t, "id"), SandboxStore.text(t, "vendor"), SandboxStore.text(t, "modelId"),
                    SandboxStore.text(t, "prompt"), SandboxStore.number(t, "seed"), (int) SandboxStore.number(t, "width"),
                    (int) SandboxStore.number(t, "height"), Boolean.TRUE.equals(t.get("video")),
                    SandboxStore.number(t, "createdAt"));
            tasks.put(task.id(), task);
        }
    }

    void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!SandboxServer.hasBearer(exchange)) {
            error(exchange, 401, "Unauthorized: missing or invalid API key");
            return;
        }
        Matcher task = TASK_PATH.matcher(path);
        if (task.matches() && exchange.getRequestMethod().equals("GET")) {
            poll(exchange, task.group(1));
            return;
        }
        Matcher submit = SUBMIT_PATH.matcher(path);
        if (submit.matches() && exchange.getRequestMethod().equals("POST")) {
            submit(exchange, submit.group(1), submit.group(2), submit.group(3));
            return;
        }
        error(exchange, 404, "Not Found: no such endpoint " + exchange.getRequestMethod() + " " + path);
    }

    private void submit(HttpExchange exchange, String type, String vendor, String modelId) throws IOException {
        JsonNode body;
        try {
            body = SandboxServer.JSON.readTree(SandboxServer.text(exchange));
        } catch (IOException e) {
            error(exchange, 400, "Invalid format: the body is not JSON");
            return;
        }
        String prompt = body == null ? "" : body.path("prompt").asText("");
        if (prompt.isBlank()) {
            error(exchange, 400, "Invalid parameter: 'prompt' is required");
            return;
        }
        int width = 1024;
        int height = 1024;
        if (body.hasNonNull("size")) {
            String size = body.get("size").asText();
            // each vendor has its own separator, and a wrong one is refused, as the real API does
            boolean alibaba = vendor.equals("alibaba");
            Matcher m = (alibaba ? STAR_SIZE : X_SIZE).matcher(size);
            if (!m.matches()) {
                error(exchange, 400, "Invalid format: parameter 'size' must be in format '"
                                     + (alibaba ? "width*height" : "widthxheight") + "', got '" + size + "'");
                return;
            }
            width = Integer.parseInt(m.group(1));
            height = Integer.parseInt(m.group(2));
            if (width < 64 || height < 64 || width > 4096 || height > 4096) {
                error(exchange, 400, "Invalid parameter: 'size' " + size + " is out of range");
                return;
            }
        }
        boolean video = type != null ? type.endsWith("-video")
                : modelId.matches(".*(t2v|i2v|video).*");
        long seed = body.hasNonNull("seed") ? body.get("seed").asLong() : Math.abs((long) prompt.hashCode());
        String id = "task-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Task created = new Task(id, vendor, modelId, prompt, seed, width, height, video, System.currentTimeMillis());
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("id", id);
        record.put("vendor", vendor);
        record.put("modelId", modelId);
        record.put("prompt", prompt);
        record.put("seed", seed);
        record.put("width", width);
        record.put("height", height);
        record.put("video", video);
        record.put("createdAt", created.createdAt());
        server.store().append("modellix", record);
        tasks.put(id, created);
        server.increment("modellix", "submits");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", "pending");
        data.put("task_id", id);
        data.put("model_id", modelId);
        data.put("get_result", Map.of("method", "GET", "url", server.baseUrl() + PREFIX + "/tasks/" + id));
        ok(exchange, data);
    }

    private void poll(HttpExchange exchange, String id) throws IOException {
        server.increment("modellix", "polls");
        Task task = tasks.get(id);
        if (task == null) {
            error(exchange, 404, "Not Found: task " + id + " does not exist or its result expired");
            return;
        }
        long taskMillis = task.video() ? server.behaviour().taskMillis() * 3 : server.behaviour().taskMillis();
        long elapsed = System.currentTimeMillis() - task.createdAt();
        Map<String, Object> data = new LinkedHashMap<>();
        if (elapsed < taskMillis / 3) {
            data.put("status", "pending");
        } else if (elapsed < taskMillis) {
            data.put("status", task.id().hashCode() % 2 == 0 ? "processing" : "running");
        } else if (server.behaviour().refuses(task.prompt())) {
            // a failed task answers 200 with code 0 and, often, no reason at all
            data.put("status", "failed");
        } else {
            data.put("status", "success");
            data.put("duration", taskMillis);
            Map<String, Object> resource = new LinkedHashMap<>();
            resource.put("url", server.baseUrl() + "/sandbox-files/modellix/" + id + "/0." + (task.video() ? "mp4" : "png"));
            resource.put("type", task.video() ? "video" : "image");
            resource.put("width", task.width());
            resource.put("height", task.height());
            resource.put("format", task.video() ? null : "png");
            resource.put("role", "primary");
            Instant created = Instant.ofEpochMilli(task.createdAt());
            data.put("result", Map.of("resources", List.of(resource),
                    "metadata", Map.of("image_count", task.video() ? 0 : 1, "request_id", "req-" + id),
                    "extensions", Map.of("submit_time", created.toString(),
                            "end_time", created.plusMillis(taskMillis).toString())));
        }
        data.put("task_id", id);
        data.put("model_id", task.modelId());
        ok(exchange, data);
    }

    void download(HttpExchange exchange) throws IOException {
        Matcher file = FILE_PATH.matcher(exchange.getRequestURI().getPath());
        Task task = file.matches() ? tasks.get(file.group(1)) : null;
        if (task == null) {
            SandboxServer.respond(exchange, 404, "text/plain", "no such file".getBytes());
            return;
        }
        server.increment("modellix", "downloads");
        if (!task.video()) {
            SandboxServer.respond(exchange, 200, "image/png", PlaceholderImage.png(task.prompt(), task.seed(),
                    task.width(), task.height(), task.vendor() + "/" + task.modelId()));
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "video/mp4");
        exchange.sendResponseHeaders(200, PlaceholderVideo.length(server.behaviour().videoBytes()));
        try (OutputStream out = exchange.getResponseBody()) {
            PlaceholderVideo.write(out, server.behaviour().videoBytes(), task.seed());
        }
    }

    private static void ok(HttpExchange exchange, Map<String, Object> data) throws IOException {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("code", 0);
        envelope.put("message", "success");
        envelope.put("data", data);
        SandboxServer.respondJson(exchange, 200, envelope);
    }

    private void error(HttpExchange exchange, int status, String message) throws IOException {
        server.increment("modellix", "rejected");
        SandboxServer.respondJson(exchange, status, Map.of("code", status, "message", message));
    }
}
