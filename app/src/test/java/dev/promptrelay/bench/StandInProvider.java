package dev.promptrelay.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A bare ModelScope stand-in written apart from the sandbox, so the benchmark can check that promptrelay reaches
 * the provider's limit without any help the sandbox gives: no {@code time_taken}, no progress, no Retry-After.
 * Tasks take L milliseconds; beyond C running at once, a submit gets a bare 429. Its own counts are the truth, also
 * of submits by prompt, so a prompt paid twice shows (ClusterIT runs several nodes against it).
 */
public final class StandInProvider implements AutoCloseable {

    static {
        // as in the sandbox: no 40 ms Nagle stall per answer, which a real provider's server does not add
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** A 1x1 PNG. */
    private static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==");

    private record Task(long startedAt, long durationMillis, AtomicInteger polls, AtomicLong detectedAt,
                        AtomicLong firstPolledAt) {

        long endsAt() {
            return startedAt + durationMillis;
        }
    }

    private final long latencyMillis;
    private final double sigma;
    /** From this task on, durations are this many times longer: the provider became slower (drift). */
    private volatile int slowerFromTask = Integer.MAX_VALUE;
    private volatile double slowerBy = 1;
    private final java.util.Random random = new java.util.Random(7);
    private final int concurrency;
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger(1);
    private final AtomicInteger refused = new AtomicInteger();
    private final Map<String, AtomicInteger> submitsByPrompt = new ConcurrentHashMap<>();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);

    /** @param sigma 0 for every task taking latencyMillis; else log-normal durations with that mean */
    public StandInProvider(long latencyMillis, double sigma, int concurrency) throws IOException {
        this.latencyMillis = latencyMillis;
        this.sigma = sigma;
        this.concurrency = concurrency;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            long now = System.currentTimeMillis();
            if (path.equals("/v1/images/generations")) {
                synchronized (this) {
                    long running = tasks.values().stream().filter(t -> now < t.endsAt()).count();
                    if (running >= concurrency) {
                        refused.incrementAndGet();
                        respond(exchange, 429, "application/json", "{\"errors\": {\"message\": \"busy\"}}");
                        return;
                    }
                    int number = ids.getAndIncrement();
                    String id = String.valueOf(number);
                    long duration = sigma <= 0 ? latencyMillis
                            : Math.round(latencyMillis * Math.exp(sigma * random.nextGaussian() - sigma * sigma / 2));
                    if (number >= slowerFromTask) {
                        duration = Math.round(duration * slowerBy);
                    }
                    tasks.put(id, new Task(now, duration, new AtomicInteger(), new AtomicLong(-1), new AtomicLong(-1)));
                    submitsByPrompt.computeIfAbsent(dev.promptrelay.Json.MAPPER.readTree(body).path("prompt").asText(),
                            prompt -> new AtomicInteger()).incrementAndGet();
                    respond(exchange, 200, "application/json", "{\"task_id\": \"" + id + "\"}");
                }
            } else if (path.startsWith("/v1/tasks/")) {
                Task task = tasks.get(path.substring("/v1/tasks/".length()));
                if (task == null) {
                    respond(exchange, 404, "application/json", "{\"errors\": {\"message\": \"no such task\"}}");
                    return;
                }
                task.polls().incrementAndGet();
                task.firstPolledAt().compareAndSet(-1, now);
                if (now < task.endsAt()) {
                    respond(exchange, 200, "application/json", "{\"task_status\": \"RUNNING\"}");
                } else {
                    task.detectedAt().compareAndSet(-1, now);
                    respond(exchange, 200, "application/json", "{\"task_status\": \"SUCCEED\", \"output_images\": [\""
                                                               + baseUrl() + "/files/" + path.hashCode() + ".png\"]}");
                }
            } else if (path.startsWith("/files/")) {
                exchange.getResponseHeaders().set("Content-Type", "image/png");
                exchange.sendResponseHeaders(200, PNG.length);
                exchange.getResponseBody().write(PNG);
            } else {
                respond(exchange, 404, "text/plain", "not found");
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Every task from this one on takes {@code factor} times as long as it would have. */
    void slowerFrom(int taskId, double factor) {
        slowerBy = factor;
        slowerFromTask = taskId;
    }

    /** Polls per task and detection delays of the tasks submitted since {@code fromTaskId}. */
    public synchronized double[] pollsAndDetection(int fromTaskId) {
        return pollsAndDetection(fromTaskId, Integer.MAX_VALUE);
    }

    /** The earliest of the first polls of the tasks from {@code fromTaskId} to {@code toTaskId} (excluded), in ms after their submits. */
    public synchronized long earliestFirstPollMillis(int fromTaskId, int toTaskId) {
        return tasks.entrySet().stream().filter(e -> Integer.parseInt(e.getKey()) >= fromTaskId
                                                     && Integer.parseInt(e.getKey()) < toTaskId)
                .map(Map.Entry::getValue).filter(t -> t.firstPolledAt().get() >= 0)
                .mapToLong(t -> t.firstPolledAt().get() - t.startedAt()).min().orElse(-1);
    }

    /** The same for the tasks from {@code fromTaskId} up to, not including, {@code toTaskId}. */
    public synchronized double[] pollsAndDetection(int fromTaskId, int toTaskId) {
        List<Long> delays = new ArrayList<>();
        long polls = 0;
        int counted = 0;
        for (Map.Entry<String, Task> entry : tasks.entrySet()) {
            int number = Integer.parseInt(entry.getKey());
            if (number < fromTaskId || number >= toTaskId || entry.getValue().detectedAt().get() < 0) {
                continue;
            }
            Task task = entry.getValue();
            counted++;
            polls += task.polls().get();
            delays.add(task.detectedAt().get() - task.endsAt());
        }
        delays.sort(null);
        double mean = delays.stream().mapToLong(Long::longValue).average().orElse(-1);
        double p95 = delays.isEmpty() ? -1 : delays.get((int) Math.round(0.95 * (delays.size() - 1)));
        return new double[] {counted == 0 ? -1 : polls / (double) counted, mean, p95};
    }

    /** The durations of the tasks submitted since {@code fromTaskId}, in the order they were submitted. */
    synchronized List<Long> drawnSince(int fromTaskId) {
        List<Long> drawn = new ArrayList<>();
        for (int id = fromTaskId; id < ids.get(); id++) {
            Task task = tasks.get(String.valueOf(id));
            if (task != null) {
                drawn.add(task.durationMillis());
            }
        }
        return drawn;
    }

    public int nextTaskId() {
        return ids.get();
    }

    /** Tasks whose end a poll has seen. */
    public synchronized int endsSeen() {
        return (int) tasks.values().stream().filter(t -> t.detectedAt().get() >= 0).count();
    }

    /** Whether every task submitted so far has ended (by this provider's clock, whether a poll saw it or not). */
    public synchronized boolean allEnded() {
        long now = System.currentTimeMillis();
        return tasks.values().stream().allMatch(t -> now >= t.endsAt());
    }

    /** Tasks submitted so far. */
    public synchronized int submitted() {
        return tasks.size();
    }

    public int refused() {
        return refused.get();
    }

    /** Submits of each prompt. */
    public Map<String, Integer> submitsByPrompt() {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        submitsByPrompt.forEach((prompt, n) -> counts.put(prompt, n.get()));
        return counts;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
