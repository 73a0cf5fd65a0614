package dev.promptrelay.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * Scenario's protocol as PROVIDERS.md describes it: Basic auth with a key pair, {@code jobId} or {@code id} in the
 * submit answer, queued, warming-up, in-progress with {@code progress}, finalizing, then success with asset ids or
 * failure with {@code metadata.error}; assets answer signed download URLs that expire.
 */
class ScenarioSandbox {

    private static final String PREFIX = SandboxServer.SCENARIO_PREFIX;
    private static final Pattern SUBMIT_PATH = Pattern.compile(PREFIX + "/generate/custom/([A-Za-z0-9._-]+)");
    private static final Pattern JOB_PATH = Pattern.compile(PREFIX + "/jobs/([^/]+)");
    private static final Pattern ASSET_PATH = Pattern.compile(PREFIX + "/assets/([^/]+)");
    private static final Pattern FILE_PATH = Pattern.compile("/sandbox-files/scenario/([^/]+)\\.png");
    private static final Set<String> ASPECT_RATIOS = Set.of("1:1", "4:3", "3:4", "9:16", "16:9");

    private final SandboxServer server;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, Job> jobsByAsset = new ConcurrentHashMap<>();
    private final AtomicLong submitted = new AtomicLong();
    private final byte[] signingKey = new byte[32];

    /** {@code seedSent}: whether the caller chose the seed; if not, the sandbox chose it, and like Scenario, says not which. */
    private record Job(String id, String modelId, String prompt, long seed, boolean seedSent, int width, int height,
            List<String> assetIds, long createdAt) {
    }

    ScenarioSandbox(SandboxServer server) {
        this.server = server;
        new SecureRandom().nextBytes(signingKey);
        for (Map<String, Object> t : server.store().load("scenario")) {
            @SuppressWarnings("unchecked")
            List<String> assets = (List<String>) t.get("assetIds");
            Job job = new Job(SandboxStore.text(t, "id"), SandboxStore.text(t, "modelId"), SandboxStore.text(t, "prompt"),
                    SandboxStore.number(t, "seed"), Boolean.TRUE.equals(t.get("seedSent")), (int) SandboxStore.number(t, "width"),
                    (int) SandboxStore.number(t, "height"), List.copyOf(assets), SandboxStore.number(t, "createdAt"));
            jobs.put(job.id(), job);
            assets.forEach(a -> jobsByAsset.put(a, job));
        }
    }

    void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!basicAuth(exchange.getRequestHeaders().getFirst("Authorization"))) {
            error(exchange, 401, "Unauthorized: use HTTP Basic with your API key and secret");
            return;
        }
        String method = exchange.getRequestMethod();
        Matcher m;
        if ((m = SUBMIT_PATH.matcher(path)).matches() && method.equals("POST")) {
            submit(exchange, m.group(1));
        } else if ((m = JOB_PATH.matcher(path)).matches() && method.equals("GET")) {
            poll(exchange, m.group(1));
        } else if ((m = ASSET_PATH.matcher(path)).matches() && method.equals("GET")) {
            asset(exchange, m.group(1));
        } else {
            error(exchange, 404, "Route " + method + " " + path + " not found");
        }
    }

    private static boolean basicAuth(String header) {
        if (header == null || !header.startsWith("Basic ")) {
            return false;
        }
        try {
            String pair = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon > 0 && colon < pair.length() - 1;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void submit(HttpExchange exchange, String modelId) throws IOException {
        JsonNode body;
        try {
            body = SandboxServer.JSON.readTree(SandboxServer.text(exchange));
        } catch (IOException e) {
            error(exchange, 400, "Body must be JSON");
            return;
        }
        String prompt = body == null ? "" : body.path("prompt").asText("");
        if (prompt.isBlank()) {
            error(exchange, 400, "\"prompt\" is required");
            return;
        }
        int width = body.path("width").asInt(1024);
        int height = body.path("height").asInt(1024);
        if (width % 16 != 0 || height % 16 != 0) {
            error(exchange, 400, "\"width\" and \"height\" must be multiples of 16");
            return;
        }
        if (body.hasNonNull("aspectRatio")) {
            String ratio = body.get("aspectRatio").asText();
            if (!ASPECT_RATIOS.contains(ratio)) {
                error(exchange, 400, "\"aspectRatio\" must be one of 1:1, 4:3, 3:4, 9:16, 16:9");
                return;
            }
            String[] parts = ratio.split(":");
            height = width * Integer.parseInt(parts[1]) / Integer.parseInt(parts[0]) / 16 * 16;
        }
        int samples = body.path("numSamples").asInt(1);
        if (samples < 1 || samples > 8) {
            error(exchange, 400, "\"numSamples\" must be from 1 to 8");
            return;
        }
        long seed = body.hasNonNull("seed") ? body.get("seed").asLong() : Math.abs((long) prompt.hashCode());
        String id = "job_" + token();
        List<String> assetIds = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            assetIds.add("asset_" + token());
        }
        Job job = new Job(id, modelId, prompt, seed, body.hasNonNull("seed"), width, height, assetIds,
                System.currentTimeMillis());
        Map<String, Object> record = new java.util.LinkedHashMap<>();
        record.put("id", id);
        record.put("modelId", modelId);
        record.put("prompt", prompt);
        record.put("seed", seed);
        record.put("seedSent", job.seedSent());
        record.put("width", width);
        record.put("height", height);
        record.put("assetIds", assetIds);
        record.put("createdAt", job.createdAt());
        server.store().append("scenario", record);
        jobs.put(id, job);
        assetIds.forEach(a -> jobsByAsset.put(a, job));
        server.increment("scenario", "submits");
        Map<String, Object> answer = new LinkedHashMap<>();
        // both shapes seen in the wild: jobId, or id
        if (submitted.incrementAndGet() % 2 == 0) {
            answer.put("id", id);
        } else {
            answer.put("jobId", id);
            answer.put("jobType", "custom");
        }
        answer.put("status", "queued");
        SandboxServer.respondJson(exchange, 200, Map.of("job", answer));
    }

    private void poll(HttpExchange exchange, String id) throws IOException {
        server.increment("scenario", "polls");
        Job job = jobs.get(id);
        if (job == null) {
            error(exchange, 404, "Job " + id + " not found");
            return;
        }
        long taskMillis = server.behaviour().taskMillis();
        double done = Math.min(1.0, (System.currentTimeMillis() - job.createdAt()) / (double) Math.max(1, taskMillis));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("jobId", job.id());
        answer.put("jobType", "custom");
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("input", Map.of("modelId", job.modelId(), "prompt", job.prompt(), "width", job.width(),
                "height", job.height(), "numSamples", job.assetIds().size()));
        if (done < 0.15) {
            answer.put("status", "queued");
            answer.put("progress", 0);
        } else if (done < 0.3) {
            answer.put("status", "warming-up");
            answer.put("progress", 0);
        } else if (done < 0.9) {
            answer.put("status", "in-progress");
            answer.put("progress", Math.round((done - 0.3) / 0.6 * 100) / 100.0);
        } else if (done < 1.0) {
            answer.put("status", "finalizing");
            answer.put("progress", 1);
        } else if (server.behaviour().refuses(job.prompt())) {
            answer.put("status", "failure");
            answer.put("progress", 0);
            metadata.put("error", "The prompt was flagged by the content moderation system.");
        } else {
            answer.put("status", "success");
            answer.put("progress", 1);
            metadata.put("assetIds", job.assetIds());
        }
        answer.put("metadata", metadata);
        SandboxServer.respondJson(exchange, 200, Map.of("job", answer));
    }

    private void asset(HttpExchange exchange, String assetId) throws IOException {
        Job job = jobsByAsset.get(assetId);
        if (job == null || !"success".equals(statusWord(job))) {
            error(exchange, 404, "Asset " + assetId + " not found");
            return;
        }
        server.increment("scenario", "links");
        long expires = System.currentTimeMillis() + server.behaviour().linkMillis();
        String url = server.baseUrl() + "/sandbox-files/scenario/" + assetId + ".png?Expires=" + expires
                     + "&Key-Pair-Id=SANDBOX&Signature=" + sign(assetId, expires);
        Map<String, Object> asset = new LinkedHashMap<>();
        asset.put("id", assetId);
        asset.put("url", url);
        asset.put("mimeType", "image/png");
        asset.put("type", "image");
        asset.put("metadata", Map.of());
        SandboxServer.respondJson(exchange, 200, Map.of("asset", asset));
    }

    private String statusWord(Job job) {
        boolean ended = System.currentTimeMillis() - job.createdAt() >= server.behaviour().taskMillis();
        return !ended ? "running" : server.behaviour().refuses(job.prompt()) ? "failure" : "success";
    }

    /** A signed, expiring link, refused like a CDN refuses one once its time is up. */
    void download(HttpExchange exchange) throws IOException {
        Matcher file = FILE_PATH.matcher(exchange.getRequestURI().getPath());
        Job job = file.matches() ? jobsByAsset.get(file.group(1)) : null;
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        long expires;
        try {
            expires = Long.parseLong(query.getOrDefault("Expires", "0"));
        } catch (NumberFormatException e) {
            expires = 0;
        }
        if (job == null || !sign(file.group(1), expires).equals(query.get("Signature"))
            || System.currentTimeMillis() > expires) {
            server.increment("scenario", "refused-links");
            SandboxServer.respond(exchange, 403, "text/xml",
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Access denied</Message></Error>"
                            .getBytes(StandardCharsets.UTF_8));
            return;
        }
        server.increment("scenario", "downloads");
        int sample = job.assetIds().indexOf(file.group(1));
        String seedLabel = (job.seedSent() ? "seed " + job.seed() : "seed chosen by Scenario")
                           + (job.assetIds().size() > 1 ? ", image " + (sample + 1) + " of " + job.assetIds().size() : "");
        SandboxServer.respond(exchange, 200, "image/png", PlaceholderImage.png(job.prompt(), job.seed() + sample,
                seedLabel, job.width(), job.height(), job.modelId()));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        return params;
    }

    private String sign(String assetId, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((assetId + ":" + expires).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static String token() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    private void error(HttpExchange exchange, int status, String reason) throws IOException {
        server.increment("scenario", "rejected");
        SandboxServer.respondJson(exchange, status, Map.of("reason", reason));
    }
}
