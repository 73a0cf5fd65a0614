package dev.promptrelay.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.promptrelay.sandbox.SandboxBehaviour;
import dev.promptrelay.sandbox.SandboxFaults;
import dev.promptrelay.sandbox.SandboxServer;

/**
 * What a long history costs: the journal (embedded, or a PostgreSQL server of the benchmark's own) filled directly
 * with N ended jobs (10 per prompt file, one output each, received over the past year), then the application started
 * on it with a prompt file already waiting. Measured: start to the first submit, heap after start, GET /api/jobs
 * (first page, a state filter, a far page by cursor, a text search) p50 and p95, a new file's drop to its submit, the
 * gallery's first screen in Chromium (first paint and the list shown), and the journal's size on disk.
 */
final class HistoryBench {

    private static final int JOBS_PER_FILE = 10;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private HistoryBench() {
    }

    /** The gallery's first screen: first paint, and the list shown (the page's own mark), in ms from navigation. */
    private static final String FIRST_SCREEN = """
            const done = arguments[arguments.length - 1];
            (function check() {
              const fcp = performance.getEntriesByName('first-contentful-paint')[0];
              const listed = performance.getEntriesByName('gallery:listed')[0];
              if (fcp && listed) done({ fcp: fcp.startTime, listed: listed.startTime,
                                        tiles: document.querySelectorAll('article.request').length });
              else requestAnimationFrame(check);
            })();
            """;

    static String run(List<Integer> sizes, boolean postgres) throws Exception {
        StringBuilder table = new StringBuilder("| ended jobs in the " + (postgres ? "PostgreSQL" : "embedded")
                + " journal | fill s | journal MB | start to first submit s | heap after start MB | list p50/p95 ms "
                + "| filter p50/p95 ms | far page p50/p95 ms | text p50/p95 ms | drop to submit ms "
                + "| gallery first paint / list shown ms | clean stop s |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (int jobs : sizes) {
            String row = one(jobs, postgres);
            System.out.println(row);
            table.append(row).append('\n');
        }
        return table.toString();
    }

    private static String one(int jobs, boolean postgres) throws Exception {
        Path runs = Files.createDirectories(Path.of("target", "bench-runs").toAbsolutePath());
        Path dir = Files.createTempDirectory(runs, "history-" + jobs + "-");
        Path state = Files.createDirectories(dir.resolve(".promptrelay"));
        try (dev.promptrelay.PostgresServer server = postgres ? dev.promptrelay.PostgresServer.start(dir.resolve("postgres"))
                                                              : null) {
            javax.sql.DataSource journal;
            if (server != null) {
                org.postgresql.ds.PGSimpleDataSource pg = new org.postgresql.ds.PGSimpleDataSource();
                pg.setURL(server.url());
                pg.setUser(dev.promptrelay.PostgresServer.USER);
                journal = pg;
            } else {
                org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
                h2.setURL("jdbc:h2:file:" + state.resolve("journal"));
                h2.setUser("sa");
                h2.setPassword("");
                journal = h2;
            }
            long fillStart = System.nanoTime();
            String farId = fill(journal, jobs);
            double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
            // the statistics a journal in use has: its planner knows the tables' sizes
            try (Connection c = journal.getConnection()) {
                c.createStatement().execute(server != null ? "VACUUM ANALYZE" : "ANALYZE");
            }
            double journalMb = journalBytes(journal, state) / (1024.0 * 1024.0);
            if (journal instanceof org.h2.jdbcx.JdbcDataSource) {
                // the application opens the file alone
                try (Connection c = journal.getConnection()) {
                    c.createStatement().execute("SHUTDOWN");
                }
            }
            java.util.Map<String, String> settings = new java.util.HashMap<>();
            if (server != null) {
                settings.put("promptrelay.journal.url", server.url());
                settings.put("promptrelay.journal.user", dev.promptrelay.PostgresServer.USER);
                settings.put("promptrelay.shared-dir", dir.resolve("shared").toString());
            }
            return measure(dir, jobs, farId, fillSeconds, journalMb, settings);
        }
    }

    private static String measure(Path dir, int jobs, String farId, double fillSeconds, double journalMb,
                                  java.util.Map<String, String> journalSettings) throws Exception {
        SandboxBehaviour behaviour = new SandboxBehaviour(200, SandboxBehaviour.DEFAULT_REFUSE_MARKER,
                SandboxBehaviour.DEFAULT_VIDEO_BYTES, SandboxBehaviour.DEFAULT_LINK_MILLIS, SandboxFaults.NONE, 0, 4);
        try (SandboxServer provider = new SandboxServer(behaviour).start(0)) {
            int port = Benchmark.freePort();
            int management = Benchmark.freePort();
            Path inbox = Files.createDirectories(dir.resolve("inbox"));
            waiting(inbox, "waiting", "a fox waiting since before the start");
            java.util.Map<String, String> settings = new java.util.HashMap<>(
                    Benchmark.modelScopeWithApi(provider, 4, port, management));
            settings.putAll(journalSettings);
            long start = System.nanoTime();
            Process app = Benchmark.startApplication(dir, List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"), settings);
            org.openqa.selenium.WebDriver browser = null;
            try {
                Benchmark.awaitCondition(Duration.ofMinutes(10), Duration.ofMillis(20), app, dir,
                        "the waiting file was not submitted", () -> provider.count("submits") >= 1);
                double startSeconds = (System.nanoTime() - start) / 1e9;
                Benchmark.awaitCondition(Duration.ofMinutes(2), Duration.ofMillis(100), app, dir,
                        "the waiting file did not end", () -> Files.exists(dir.resolve("archive").resolve("waiting.txt")));
                double heapMb = heapAfterGc(app);
                String base = "http://127.0.0.1:" + port + "/api/jobs";
                double[] list = latencies(base + "?limit=50");
                double[] filter = latencies(base + "?limit=50&state=failed");
                double[] far = farId == null ? new double[] {Double.NaN, Double.NaN}
                        : latencies(base + "?limit=50&before=" + farId);
                // words of one old prompt: a page looks through a window of the newest requests, not every one
                double[] text = latencies(base + "?limit=50&q=" + java.net.URLEncoder.encode("prompt 7 line 3,",
                        java.nio.charset.StandardCharsets.UTF_8), 100);
                long submits = provider.count("submits");
                long dropped = System.nanoTime();
                waiting(inbox, "new", "a new fox");
                Benchmark.awaitCondition(Duration.ofMinutes(2), Duration.ofMillis(5), app, dir,
                        "the new file was not submitted", () -> provider.count("submits") > submits);
                double dropToSubmit = (System.nanoTime() - dropped) / 1e6;
                browser = dev.promptrelay.Chromium.start(dir);
                browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(120));
                List<Double> paints = new ArrayList<>();
                List<Double> shown = new ArrayList<>();
                for (int load = 0; load < 5; load++) {
                    browser.get("about:blank");
                    browser.get("http://127.0.0.1:" + port + "/");
                    @SuppressWarnings("unchecked")
                    java.util.Map<String, Object> m = (java.util.Map<String, Object>)
                            ((org.openqa.selenium.JavascriptExecutor) browser).executeAsyncScript(FIRST_SCREEN);
                    paints.add(((Number) m.get("fcp")).doubleValue());
                    shown.add(((Number) m.get("listed")).doubleValue());
                }
                Collections.sort(paints);
                Collections.sort(shown);
                browser.quit();
                browser = null;
                // a clean stop, as a user's Ctrl+C or service stop: the embedded journal's backup is made then
                long stopping = System.nanoTime();
                app.destroy();
                if (!app.waitFor(10, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("the application did not stop within 10 minutes");
                }
                double stopSeconds = (System.nanoTime() - stopping) / 1e9;
                return String.format(Locale.ROOT, "| %,d | %.0f | %.0f | %.1f | %.0f | %.0f / %.0f | %.0f / %.0f | %.0f / %.0f | %.0f / %.0f | %.0f | %.0f / %.0f | %.1f |",
                        jobs, fillSeconds, journalMb, startSeconds, heapMb, list[0], list[1], filter[0], filter[1],
                        far[0], far[1], text[0], text[1], dropToSubmit, paints.get(2), shown.get(2), stopSeconds);
            } finally {
                if (browser != null) {
                    browser.quit();
                }
                app.destroy();
                if (!app.waitFor(60, TimeUnit.SECONDS)) {
                    app.destroyForcibly();
                }
            }
        }
    }

    /** The journal's size on disk: the embedded file, or the PostgreSQL database. */
    private static long journalBytes(javax.sql.DataSource journal, Path state) throws Exception {
        if (journal instanceof org.h2.jdbcx.JdbcDataSource) {
            try (Connection c = journal.getConnection()) {
                c.createStatement().execute("CHECKPOINT");
            }
            return Files.size(state.resolve("journal.mv.db"));
        }
        try (Connection c = journal.getConnection();
             java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT pg_database_size(current_database())")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A prompt file prepared beforehand and moved in whole: older than the inbox's settle time, so taken at once. */
    private static void waiting(Path inbox, String name, String prompt) throws Exception {
        Path temp = Files.writeString(inbox.resolveSibling(name + ".tmp"), prompt + " --size 64x64\n");
        Files.setLastModifiedTime(temp, java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(60)));
        Files.move(temp, inbox.resolve(name + ".txt"));
    }

    /** The heap in use after a full collection, as jcmd reports it. */
    private static double heapAfterGc(Process app) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        new ProcessBuilder(jcmd.toString(), String.valueOf(app.pid()), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
        Process info = new ProcessBuilder(jcmd.toString(), String.valueOf(app.pid()), "GC.heap_info")
                .redirectErrorStream(true).start();
        String text = new String(info.getInputStream().readAllBytes());
        info.waitFor(60, TimeUnit.SECONDS);
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("used (\\d+)K").matcher(text);
        return used.find() ? Long.parseLong(used.group(1)) / 1024.0 : Double.NaN;
    }

    /** p50 and p95 in ms over 200 calls, after 20 to warm up. */
    private static double[] latencies(String url) throws Exception {
        return latencies(url, 200);
    }

    private static double[] latencies(String url, int calls) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).build();
        for (int i = 0; i < Math.min(20, calls); i++) {
            check(HTTP.send(request, HttpResponse.BodyHandlers.ofString()), url);
        }
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            long t = System.nanoTime();
            check(HTTP.send(request, HttpResponse.BodyHandlers.ofString()), url);
            millis.add((System.nanoTime() - t) / 1e6);
        }
        Collections.sort(millis);
        return new double[] {millis.get(calls / 2 - 1), millis.get(calls * 95 / 100 - 1)};
    }

    private static void check(HttpResponse<String> answer, String url) {
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + answer.statusCode() + ": " + answer.body());
        }
    }

    /**
     * N ended jobs written straight into a new embedded journal (made by promptrelay's own migrations); returns the
     * id of a prompt file half-way back, for the far page.
     */
    private static String fill(javax.sql.DataSource journal, int jobs) throws Exception {
        // promptrelay's own migrations make the schema
        new dev.promptrelay.journal.JournalDatabase(journal, null);
        int files = jobs / JOBS_PER_FILE;
        String farId = null;
        long now = System.currentTimeMillis();
        long year = Duration.ofDays(365).toMillis();
        try (Connection c = journal.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement file = c.prepareStatement("INSERT INTO prompt_file (id, name, held_path, sha256, "
                    + "state, job_count, received_at, ended_at, outcome_path) VALUES (?, ?, ?, ?, 'archived', ?, ?, ?, ?)");
                 PreparedStatement job = c.prepareStatement("INSERT INTO job (id, prompt_file_id, seq, provider, model, "
                         + "spec, state, task_id, provider_status, polls, created_at, submitted_at, completed_at, "
                         + "ended_at, updated_at, owner, attempt, sandbox) VALUES (?, ?, ?, 'modelscope', "
                         + "'Tongyi-MAI/Z-Image-Turbo', ?, 'succeeded', ?, 'SUCCEED', 3, ?, ?, ?, ?, ?, 'node-bench', 0, FALSE)");
                 PreparedStatement output = c.prepareStatement("INSERT INTO job_output (job_id, output_index, path, "
                         + "bytes, sha256, written_at, state) VALUES (?, 0, ?, 80000, ?, ?, 'written')")) {
                for (int f = 0; f < files; f++) {
                    // oldest first, a year ago to an hour ago
                    long received = now - year + (long) ((double) f / Math.max(1, files) * (year - 3_600_000L));
                    String id = id(received, f);
                    if (f == files / 2) {
                        farId = id;
                    }
                    String name = "history-" + f + ".txt";
                    file.setString(1, id);
                    file.setString(2, name);
                    file.setString(3, id + "/" + name);
                    file.setString(4, String.format("%064x", f));
                    file.setInt(5, JOBS_PER_FILE);
                    file.setTimestamp(6, new Timestamp(received));
                    file.setTimestamp(7, new Timestamp(received + 20_000));
                    file.setString(8, name);
                    file.addBatch();
                    for (int j = 0; j < JOBS_PER_FILE; j++) {
                        String jobId = id(received + j + 1, f * JOBS_PER_FILE + j);
                        job.setString(1, jobId);
                        job.setString(2, id);
                        job.setInt(3, j + 1);
                        job.setString(4, "{\"prompt\":\"history prompt " + f + " line " + (j + 1) + ", a lighthouse at "
                                         + "dusk in watercolour\",\"provider\":\"modelscope\",\"model\":\"Tongyi-MAI/"
                                         + "Z-Image-Turbo\",\"type\":\"text-to-image\",\"width\":1024,\"height\":1024,"
                                         + "\"seed\":" + (f * 31L + j) + ",\"count\":1,\"line\":" + (j + 1) + "}");
                        job.setString(5, String.valueOf(10_000_000L + f * JOBS_PER_FILE + j));
                        job.setTimestamp(6, new Timestamp(received));
                        job.setTimestamp(7, new Timestamp(received + 1000));
                        job.setTimestamp(8, new Timestamp(received + 15_000));
                        job.setTimestamp(9, new Timestamp(received + 18_000));
                        job.setTimestamp(10, new Timestamp(received + 18_000));
                        job.addBatch();
                        output.setString(1, jobId);
                        output.setString(2, "history-" + f + "/" + String.format("%03d", j + 1) + "-1.png");
                        output.setString(3, String.format("%064x", (long) f * JOBS_PER_FILE + j));
                        output.setTimestamp(4, new Timestamp(received + 18_000));
                        output.addBatch();
                    }
                    if (f % 1000 == 999 || f == files - 1) {
                        file.executeBatch();
                        job.executeBatch();
                        output.executeBatch();
                        c.commit();
                    }
                }
            }
        }
        return farId;
    }

    /** A time-ordered id (UUID version 7) for a moment in the past, as promptrelay makes them for the present. */
    private static String id(long millis, long count) {
        long high = (millis << 16) | 0x7000L | (count & 0xFFFL);
        long low = (java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
