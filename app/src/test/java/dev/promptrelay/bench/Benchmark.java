package dev.promptrelay.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.promptrelay.Application;
import dev.promptrelay.provider.TaskDurations;
import dev.promptrelay.sandbox.SandboxBehaviour;
import dev.promptrelay.sandbox.SandboxFaults;
import dev.promptrelay.sandbox.SandboxServer;

/**
 * Runs the real application (a JVM of its own) against the sandbox with a given task latency L, concurrency limit C
 * and job count N, and reports what the provider side saw: efficiency (N*L/C over the wall time), polls per task,
 * mean and p95 delay between a task's end and its detection, CPU milliseconds per job and the peak of used heap.
 * {@code mvn -q -Pbenchmark test-compile} (arguments in {@code -Dbenchmark.args}, default {@code --write BENCHMARKS.md}).
 */
public final class Benchmark {

    /** What a scenario measures. */
    enum Kind {
        /** N jobs through a provider that allows C at once and takes L per task: efficiency, polls, detection. */
        THROUGHPUT,
        /** N tasks submitted and left running (L is longer than the run): the heap they hold while in flight. */
        IN_FLIGHT,
        /** One video of N MB: how much the heap grows while it streams to disk. */
        BIG_VIDEO,
        /** As THROUGHPUT, against a bare stand-in written apart from the sandbox (no durations, no Retry-After). */
        STAND_IN,
        /** As THROUGHPUT, with several nodes (JVMs) on one PostgreSQL journal and one set of folders. */
        NODES
    }

    /** One scenario: its label, C, L, how durations spread (0: fixed; log-normal sigma otherwise), N, the app's heap. */
    record Scenario(String label, Kind kind, int concurrency, long latencyMillis, double sigma, int jobs, int heapMb,
                    int nodes, int warmupJobs) {

        Scenario(String label, Kind kind, int concurrency, long latencyMillis, double sigma, int jobs, int heapMb,
                 int nodes) {
            // spread durations: the warm-up fills the history a poll plan is drawn from, as a model in use has it
            this(label, kind, concurrency, latencyMillis, sigma, jobs, heapMb, nodes,
                    Math.max(sigma > 0 ? TaskDurations.SAMPLES : 8, concurrency * 2));
        }

        Scenario(String label, Kind kind, int concurrency, long latencyMillis, double sigma, int jobs, int heapMb) {
            this(label, kind, concurrency, latencyMillis, sigma, jobs, heapMb, 1);
        }

        Scenario(String label, int concurrency, long latencyMillis, double sigma, int jobs) {
            this(label, Kind.THROUGHPUT, concurrency, latencyMillis, sigma, jobs, 256);
        }

        static Scenario nodes(int nodes, int concurrency, long latencyMillis, int jobs) {
            return new Scenario(nodes + (nodes == 1 ? " node" : " nodes") + " on PostgreSQL, "
                                + (latencyMillis == 0 ? "zero latency" : "L=" + latencyMillis / 1000 + " s fixed")
                                + ", C=" + concurrency + ", N=" + jobs, Kind.NODES, concurrency, latencyMillis, 0, jobs,
                    256, nodes);
        }
    }

    /** What one scenario measured. */
    record Result(Scenario scenario, double wallSeconds, double efficiency, double jobsPerSecond, double pollsPerTask,
            long detectionMeanMillis, long detectionP95Millis, double cpuMillisPerJob, String heap, double oracle,
            double bestSchedule) {

        Result(Scenario scenario, double wallSeconds, double efficiency, double jobsPerSecond, double pollsPerTask,
               long detectionMeanMillis, long detectionP95Millis, double cpuMillisPerJob, String heap) {
            this(scenario, wallSeconds, efficiency, jobsPerSecond, pollsPerTask, detectionMeanMillis, detectionP95Millis,
                    cpuMillisPerJob, heap, Double.NaN, Double.NaN);
        }
    }

    /** The best fixed 5-poll schedule's efficiency on these durations (see {@link BestSchedule}); n/a when fixed. */
    static double bestSchedule(Scenario scenario, List<Long> durations) {
        return scenario.sigma() <= 0 ? Double.NaN
                : BestSchedule.forLogNormal(scenario.latencyMillis(), scenario.sigma())
                        .efficiency(durations, scenario.concurrency());
    }

    /**
     * The oracle's efficiency for these durations on C slots: every end seen the moment it happens and the next task
     * submitted in zero time, in the same order (list scheduling). Spread durations end unevenly, so even it stays
     * below 1.
     */
    static double oracle(List<Long> durations, int slots) {
        java.util.PriorityQueue<Long> free = new java.util.PriorityQueue<>();
        for (int i = 0; i < slots; i++) {
            free.add(0L);
        }
        long makespan = 0;
        long total = 0;
        for (long duration : durations) {
            long end = free.poll() + duration;
            free.add(end);
            makespan = Math.max(makespan, end);
            total += duration;
        }
        return makespan == 0 ? Double.NaN : total / (double) slots / makespan;
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path write = null;
        String only = null;
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--write")) {
                write = Path.of(args[++i]);
            } else if (args[i].equals("--only")) {
                // a label prefix may hold spaces, and Maven hands it over word by word
                StringBuilder prefix = new StringBuilder(args[++i]);
                while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    prefix.append(' ').append(args[++i]);
                }
                only = prefix.toString();
            }
        }
        if (only != null && only.startsWith("history")) {
            // --only history [sizes] [postgres]: e.g. --only history 0,100000,1000000 postgres
            String[] words = only.split(" ");
            String sizes = words.length > 1 ? words[1] : "0,100000,1000000";
            System.out.println(HistoryBench.run(java.util.Arrays.stream(sizes.split(",")).map(Integer::valueOf).toList(),
                    words.length > 2 && words[2].equals("postgres")));
            return;
        }
        List<Scenario> scenarios = List.of(
                new Scenario("C=4, L=2 s fixed, N=40", 4, 2000, 0, 40),
                new Scenario("C=4, L=2 s log-normal (sigma 0.3), N=40", 4, 2000, 0.3, 40),
                new Scenario("C=4, L=2 s log-normal (sigma 0.5), N=40", 4, 2000, 0.5, 40),
                new Scenario("C=8, L=10 s fixed, N=40", 8, 10_000, 0, 40),
                new Scenario("C=8, L=10 s log-normal (sigma 0.3), N=40", 8, 10_000, 0.3, 40),
                new Scenario("C=8, L=10 s log-normal (sigma 0.5), N=40", 8, 10_000, 0.5, 40),
                new Scenario("independent stand-in, C=4, L=2 s, N=40", Kind.STAND_IN, 4, 2000, 0, 40, 256),
                new Scenario("independent stand-in, C=4, L=2 s log-normal (sigma 0.3), N=40", Kind.STAND_IN, 4, 2000,
                        0.3, 40, 256),
                // a model promptrelay has never run: a fresh state directory, no warm-up, the first 40 tasks (issue 31)
                new Scenario("cold start, C=4, L=2 s log-normal (sigma 0.3), N=40", Kind.THROUGHPUT, 4, 2000, 0.3, 40,
                        256, 1, 0),
                new Scenario("cold start, C=4, L=2 s log-normal (sigma 0.5), N=40", Kind.THROUGHPUT, 4, 2000, 0.5, 40,
                        256, 1, 0),
                new Scenario("cold start, independent stand-in, C=4, L=2 s log-normal (sigma 0.3), N=40", Kind.STAND_IN,
                        4, 2000, 0.3, 40, 256, 1, 0),
                // the same model, but the user said roughly how long its tasks take (1.5 times too long)
                new Scenario("cold start, typical-task-seconds = 3, C=4, L=2 s log-normal (sigma 0.3), N=40",
                        Kind.THROUGHPUT, 4, 2000, 0.3, 40, 256, 1, 0),
                // a model never run, of a provider whose other model ran 50 tasks (both take 2 s here)
                new Scenario("cold start, another model of the provider known, C=4, L=2 s log-normal (sigma 0.3), N=40",
                        Kind.THROUGHPUT, 4, 2000, 0.3, 40, 256, 1, TaskDurations.SAMPLES),
                // the provider becomes twice as slow after the 20th task of 60, with a warm history of the old pace
                new Scenario("drift, independent stand-in, C=4, L=2 s log-normal (sigma 0.3), twice as slow from task 21, N=60",
                        Kind.STAND_IN, 4, 2000, 0.3, 60, 256, 1, TaskDurations.SAMPLES),
                new Scenario("zero latency, C=64, N=1000", 64, 0, 0, 1000),
                // the same once the JIT is done: a service runs for weeks, and C2 compiles for a minute after a start
                new Scenario("zero latency, warmed up (5,000 jobs before), C=64, N=2000", Kind.THROUGHPUT, 64, 0, 0, 2000,
                        256, 1, 5000),
                new Scenario("10,000 tasks in flight (-Xmx256m)", Kind.IN_FLIGHT, 10_000, 900_000, 0, 10_000, 256),
                new Scenario("one 500 MB video (-Xmx256m)", Kind.BIG_VIDEO, 1, 500, 0, 500, 256),
                Scenario.nodes(1, 4, 2000, 40), Scenario.nodes(2, 4, 2000, 40), Scenario.nodes(3, 4, 2000, 40),
                Scenario.nodes(1, 64, 0, 1000), Scenario.nodes(2, 64, 0, 1000), Scenario.nodes(3, 64, 0, 1000));
        List<Result> results = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            if (only != null && !scenario.label().startsWith(only)) {
                continue;
            }
            Result result = run(scenario);
            results.add(result);
            System.out.println(row(result));
        }
        String table = table(results);
        System.out.println(table);
        if (only == null || only.startsWith("gallery")) {
            System.out.println(GalleryPaint.run());
        }
        if (write != null) {
            Files.writeString(write, report(table), StandardCharsets.UTF_8);
            System.out.println("written to " + write);
        }
    }

    static Result run(Scenario scenario) throws Exception {
        if (scenario.kind() == Kind.NODES) {
            return nodes(scenario);
        }
        Path dir = Files.createTempDirectory("promptrelay-bench-");
        long videoBytes = scenario.kind() == Kind.BIG_VIDEO ? scenario.jobs() * 1024L * 1024L
                : SandboxBehaviour.DEFAULT_VIDEO_BYTES;
        SandboxBehaviour behaviour = new SandboxBehaviour(scenario.latencyMillis(), SandboxBehaviour.DEFAULT_REFUSE_MARKER,
                videoBytes, SandboxBehaviour.DEFAULT_LINK_MILLIS, SandboxFaults.NONE, scenario.sigma(),
                scenario.concurrency());
        try (SandboxServer provider = new SandboxServer(behaviour).start(0)) {
            int management = freePort();
            List<String> jvm = new ArrayList<>(List.of("-Xmx" + scenario.heapMb() + "m",
                    "-Xlog:gc:file=" + dir.resolve("gc.log")));
            // e.g. a profiler: PROMPTRELAY_BENCH_JVM_OPTS="-XX:StartFlightRecording=filename=app.jfr"
            String jvmOptions = System.getenv().getOrDefault("PROMPTRELAY_BENCH_JVM_OPTS", "");
            if (!jvmOptions.isBlank()) {
                jvm.addAll(List.of(jvmOptions.trim().split("\\s+")));
            }
            Map<String, String> settings = new java.util.HashMap<>(Map.ofEntries(
                    Map.entry("promptrelay.modelscope.base-url", provider.baseUrl()),
                    Map.entry("promptrelay.modelscope.api-key", "benchmark"),
                    Map.entry("promptrelay.modelscope.max-concurrent", String.valueOf(scenario.concurrency())),
                    Map.entry("promptrelay.submit.concurrent-consumers", String.valueOf(Math.min(16, scenario.concurrency()))),
                    Map.entry("promptrelay.poll.concurrent-consumers", String.valueOf(Math.min(16, scenario.concurrency()))),
                    Map.entry("promptrelay.modelscope.scripts-config-file", ""),
                    Map.entry("promptrelay.modellix.api-key", ""), Map.entry("promptrelay.scenario.api-key", ""),
                    Map.entry("camel.server.enabled", "false"),
                    Map.entry("camel.management.port", String.valueOf(management))));
            settings.put("promptrelay.modellix.base-url", provider.baseUrl() + "/modellix/api/v1");
            settings.put("promptrelay.modellix.api-key", "benchmark");
            StandInProvider standIn = scenario.kind() == Kind.STAND_IN
                    ? new StandInProvider(scenario.latencyMillis(), scenario.sigma(), scenario.concurrency()) : null;
            if (standIn != null) {
                settings.put("promptrelay.modelscope.base-url", standIn.baseUrl());
            }
            if (scenario.label().contains("typical-task-seconds = 3")) {
                settings.put("promptrelay.modelscope.typical-task-seconds", "3");
            }
            if (scenario.jobs() > 1000) {
                settings.put("promptrelay.max-jobs-per-file", String.valueOf(scenario.jobs()));
            }
            if (scenario.kind() == Kind.IN_FLIGHT) {
                // the tasks outlast the run: what counts is the heap they hold while waiting, not their polls
                settings.put("promptrelay.poll.first-delay-millis", "600000");
                settings.put("promptrelay.poll.max-delay-millis", "600000");
            }
            Process app = startApplication(dir, jvm, settings);
            try {
                if (scenario.kind() == Kind.IN_FLIGHT) {
                    return inFlight(scenario, dir, provider, app, management);
                }
                if (scenario.kind() == Kind.BIG_VIDEO) {
                    return bigVideo(scenario, dir, app, management);
                }
                if (standIn != null) {
                    return againstStandIn(scenario, dir, standIn, app, management);
                }
                if (scenario.warmupJobs() == 0) {
                    // a cold start is measured from a running application, as a user drops the first file into it
                    awaitStarted(app, management);
                }
                // a few tasks first: the app plans its polls from the durations it has seen
                // another model of the same provider: the measured one has no history of its own
                String warmupOptions = scenario.label().contains("another model") ? " --model other/model" : "";
                for (int left = scenario.warmupJobs(), n = 1; left > 0; left -= 1000, n++) {
                    runBatch(dir, "warmup-" + n, Math.min(1000, left), app, null, warmupOptions);
                }
                provider.timings().reset();
                long cpuBefore = app.toHandle().info().totalCpuDuration().map(Duration::toMillis).orElse(0L);
                long pollsBefore = provider.count("polls");
                double[] window = new double[2];
                long droppedAt = System.currentTimeMillis();
                double wall = runBatch(dir, "measured", scenario.jobs(), app, window);
                long archivedAt = System.currentTimeMillis();
                long cpu = app.toHandle().info().totalCpuDuration().map(Duration::toMillis).orElse(0L) - cpuBefore;
                if (scenario.latencyMillis() > 0) {
                    // where the time beyond the oracle goes, as the provider saw it (archived: within 20 ms)
                    System.out.printf("  %s: dropped to first submit %d ms, hand-over %.0f ms a task after its end "
                                      + "was seen, last end seen to archived %d ms; the best 5-poll schedule's mean "
                                      + "detection on these durations %s ms%n", scenario.label(),
                            provider.timings().firstAcceptedAt() - droppedAt,
                            provider.timings().handOverMeanMillis(scenario.concurrency()),
                            archivedAt - provider.timings().lastDetectedAt(),
                            scenario.sigma() <= 0 ? "0" : String.format(Locale.ROOT, "%.0f",
                                    BestSchedule.forLogNormal(scenario.latencyMillis(), scenario.sigma())
                                            .meanDelayMillis(provider.timings().drawnInSubmitOrder())));
                }
                Map<String, Object> timings = provider.timings().summary();
                // the durations the provider drew: with spread ones, their mean is above the median L
                double ideal = ((Number) timings.getOrDefault("task_ms_total", 0L)).doubleValue() / 1000.0
                               / scenario.concurrency();
                double polls = (provider.count("polls") - pollsBefore) / (double) scenario.jobs();
                return new Result(scenario, wall, ideal / wall, scenario.jobs() / wall, polls,
                        ((Number) timings.getOrDefault("detection_ms_mean", 0L)).longValue(),
                        ((Number) timings.getOrDefault("detection_ms_p95", 0L)).longValue(),
                        cpu / (double) scenario.jobs(), GcLog.heap(dir.resolve("gc.log"), window[0], window[1]),
                        scenario.latencyMillis() == 0 ? Double.NaN
                                : oracle(provider.timings().drawnInSubmitOrder(), scenario.concurrency()),
                        scenario.latencyMillis() == 0 ? Double.NaN
                                : bestSchedule(scenario, provider.timings().drawnInSubmitOrder()));
            } finally {
                if (standIn != null) {
                    standIn.close();
                }
                app.destroy();
                if (!app.waitFor(15, TimeUnit.SECONDS)) {
                    app.destroyForcibly();
                }
            }
        }
    }

    /**
     * N jobs through several nodes on one real PostgreSQL journal (Debian's server, as in the tests) and one set of
     * folders, after a warm-up: wall time, efficiency and CPU over all the nodes' JVMs.
     */
    private static Result nodes(Scenario scenario) throws Exception {
        Path runs = Files.createDirectories(Path.of("target", "bench-runs").toAbsolutePath());
        Path dir = Files.createTempDirectory(runs, "nodes-");
        SandboxBehaviour behaviour = new SandboxBehaviour(scenario.latencyMillis(), SandboxBehaviour.DEFAULT_REFUSE_MARKER,
                SandboxBehaviour.DEFAULT_VIDEO_BYTES, SandboxBehaviour.DEFAULT_LINK_MILLIS, SandboxFaults.NONE, 0,
                scenario.concurrency());
        List<Process> apps = new ArrayList<>();
        try (dev.promptrelay.PostgresServer postgres = dev.promptrelay.PostgresServer.start(dir.resolve("postgres"));
             SandboxServer provider = new SandboxServer(behaviour).start(0)) {
            for (int n = 1; n <= scenario.nodes(); n++) {
                Path nodeDir = Files.createDirectories(dir.resolve("node-" + n));
                int management = freePort();
                Map<String, String> settings = new java.util.LinkedHashMap<>();
                settings.put("promptrelay.inbox", dir.resolve("inbox").toString());
                settings.put("promptrelay.outbox", dir.resolve("outbox").toString());
                settings.put("promptrelay.archive", dir.resolve("archive").toString());
                settings.put("promptrelay.failed", dir.resolve("failed").toString());
                settings.put("promptrelay.shared-dir", dir.resolve("shared").toString());
                settings.put("promptrelay.state-dir", nodeDir.resolve("state").toString());
                settings.put("promptrelay.cluster.node-id", "node-" + n);
                settings.put("promptrelay.journal.url", postgres.url());
                settings.put("promptrelay.journal.user", dev.promptrelay.PostgresServer.USER);
                settings.put("promptrelay.modelscope.base-url", provider.baseUrl());
                settings.put("promptrelay.modelscope.api-key", "benchmark");
                settings.put("promptrelay.modelscope.max-concurrent", String.valueOf(scenario.concurrency()));
                settings.put("promptrelay.submit.concurrent-consumers", String.valueOf(Math.min(16, scenario.concurrency())));
                settings.put("promptrelay.poll.concurrent-consumers", String.valueOf(Math.min(16, scenario.concurrency())));
                settings.put("promptrelay.modelscope.scripts-config-file", "");
                settings.put("promptrelay.modellix.api-key", "");
                settings.put("promptrelay.scenario.api-key", "");
                settings.put("camel.server.enabled", "false");
                settings.put("camel.management.port", String.valueOf(management));
                Process app = startApplication(nodeDir, List.of("-Xmx" + scenario.heapMb() + "m"), settings);
                apps.add(app);
                awaitStarted(app, management);
            }
            Process first = apps.get(0);
            runBatch(dir, "warmup", scenario.warmupJobs(), first, null);
            provider.timings().reset();
            long cpuBefore = apps.stream().mapToLong(Benchmark::cpuMillis).sum();
            long pollsBefore = provider.count("polls");
            double wall = runBatch(dir, "measured", scenario.jobs(), first, null);
            long cpu = apps.stream().mapToLong(Benchmark::cpuMillis).sum() - cpuBefore;
            Map<String, Object> timings = provider.timings().summary();
            double ideal = ((Number) timings.getOrDefault("task_ms_total", 0L)).doubleValue() / 1000.0
                           / scenario.concurrency();
            return new Result(scenario, wall, ideal / wall, scenario.jobs() / wall,
                    (provider.count("polls") - pollsBefore) / (double) scenario.jobs(),
                    ((Number) timings.getOrDefault("detection_ms_mean", 0L)).longValue(),
                    ((Number) timings.getOrDefault("detection_ms_p95", 0L)).longValue(),
                    cpu / (double) scenario.jobs(), "n/a");
        } finally {
            for (Process app : apps) {
                app.destroy();
            }
            for (Process app : apps) {
                if (!app.waitFor(15, TimeUnit.SECONDS)) {
                    app.destroyForcibly();
                }
            }
        }
    }

    /** N jobs against the stand-in, after a warm-up; its own counts give polls and detection. */
    private static Result againstStandIn(Scenario scenario, Path dir, StandInProvider standIn, Process app,
                                         int management) throws Exception {
        if (scenario.warmupJobs() > 0) {
            runBatch(dir, "warmup", scenario.warmupJobs(), app, null);
        } else {
            awaitStarted(app, management);
        }
        int firstTask = standIn.nextTaskId();
        boolean drift = scenario.label().startsWith("drift");
        if (drift) {
            standIn.slowerFrom(firstTask + 20, 2.0);
        }
        int refusedBefore = standIn.refused();
        long cpuBefore = cpuMillis(app);
        double[] window = new double[2];
        double wall = runBatch(dir, "measured", scenario.jobs(), app, window);
        double[] polls = standIn.pollsAndDetection(firstTask);
        List<Long> drawn = standIn.drawnSince(firstTask);
        if (drift) {
            double[] before = standIn.pollsAndDetection(firstTask, firstTask + 20);
            double[] first = standIn.pollsAndDetection(firstTask + 20, firstTask + 30);
            double[] second = standIn.pollsAndDetection(firstTask + 30, firstTask + 40);
            double[] after = standIn.pollsAndDetection(firstTask + 40, firstTask + 60);
            // what a fixed 5-poll schedule that knew each pace exactly would reach on the same durations
            double bestBefore = BestSchedule.forLogNormal(scenario.latencyMillis(), scenario.sigma())
                    .meanDelayMillis(drawn.subList(0, 20));
            double bestAfter = BestSchedule.forLogNormal(2 * scenario.latencyMillis(), scenario.sigma())
                    .meanDelayMillis(drawn.subList(40, 60));
            System.out.printf("  %s: mean detection %.0f ms in the 20 tasks before the change, %.0f ms in tasks 1-10 after "
                              + "it, %.0f ms in 11-20, %.0f ms in 21-40 (polls a task: %.2f, %.2f, %.2f, %.2f); the best "
                              + "5-poll schedule for each pace: %.0f ms before, %.0f ms in 21-40%n",
                    scenario.label(), before[1], first[1], second[1], after[1], before[0], first[0], second[0], after[0],
                    bestBefore, bestAfter);
        }
        if (standIn.refused() > refusedBefore) {
            System.out.println("the stand-in refused " + (standIn.refused() - refusedBefore) + " submit(s) with 429");
        }
        double ideal = drawn.stream().mapToLong(Long::longValue).sum() / 1000.0 / scenario.concurrency();
        return new Result(scenario, wall, ideal / wall, scenario.jobs() / wall, polls[0], Math.round(polls[1]),
                Math.round(polls[2]), (cpuMillis(app) - cpuBefore) / (double) scenario.jobs(),
                GcLog.heap(dir.resolve("gc.log"), window[0], window[1]), oracle(drawn, scenario.concurrency()),
                bestSchedule(scenario, drawn));
    }

    /** Submits N tasks that outlast the run and reports the heap once all of them are running at the provider. */
    private static Result inFlight(Scenario scenario, Path dir, SandboxServer provider, Process app, int management)
            throws Exception {
        awaitStarted(app, management);
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        String prompts = IntStream.rangeClosed(1, scenario.jobs()).mapToObj(i -> "in flight " + i + " --size 64x64")
                .collect(Collectors.joining("\n"));
        Path temp = Files.writeString(dir.resolve("inflight.tmp"), prompts);
        long cpuBefore = cpuMillis(app);
        long start = System.nanoTime();
        double from = uptimeSeconds(app);
        Files.move(temp, inbox.resolve("inflight.txt"));
        // L outlasts the run: every task accepted is still running
        awaitCondition(Duration.ofMinutes(12), Duration.ofMillis(100), app, dir, "not all tasks got under way",
                () -> provider.count("submits") >= scenario.jobs());
        double wall = (System.nanoTime() - start) / 1e9;
        // with every task in flight: what they hold at rest shows in the collections that follow
        double allInFlight = uptimeSeconds(app);
        // an application at rest makes little garbage: after 10 s without three collections, one is asked for
        boolean[] asked = new boolean[1];
        awaitCondition(Duration.ofMinutes(2), Duration.ofMillis(500), app, dir, "the heap was never collected", () -> {
            long collections = GcLog.collectionsAfter(dir.resolve("gc.log"), allInFlight);
            if (collections >= 3 || asked[0] && collections >= 1) {
                return true;
            }
            if (!asked[0] && uptimeSeconds(app) - allInFlight > 10) {
                asked[0] = true;
                new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        String.valueOf(app.pid()), "GC.run").redirectErrorStream(true)
                        .redirectOutput(dir.resolve("jcmd.log").toFile()).start().waitFor();
            }
            return false;
        });
        return new Result(scenario, wall, Double.NaN, scenario.jobs() / wall, Double.NaN, -1, -1,
                (cpuMillis(app) - cpuBefore) / (double) scenario.jobs(),
                GcLog.heap(dir.resolve("gc.log"), from, uptimeSeconds(app)));
    }

    /** One video of N MB: the growth of used heap over what the idle application held, while it streams to disk. */
    private static Result bigVideo(Scenario scenario, Path dir, Process app, int management) throws Exception {
        awaitStarted(app, management);
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path temp = Files.writeString(dir.resolve("video.tmp"), "{\"provider\": \"modellix\", \"model\": "
                                                               + "\"kling/kling-v2.1-t2v\", \"type\": \"text-to-video\", \"prompt\": \"waves\"}");
        long start = System.nanoTime();
        double from = uptimeSeconds(app);
        Files.move(temp, inbox.resolve("video.json"));
        Path archived = dir.resolve("archive").resolve("video.json");
        awaitCondition(Duration.ofMinutes(10), Duration.ofMillis(100), app, dir, "the video did not arrive", () -> {
            if (Files.exists(dir.resolve("failed").resolve("video.json"))) {
                throw new IllegalStateException("the video failed; see " + dir.resolve("app.log"));
            }
            return Files.exists(archived);
        });
        double wall = (System.nanoTime() - start) / 1e9;
        double to = uptimeSeconds(app);
        long written = Files.size(dir.resolve("outbox").resolve("video").resolve("001-1.mp4"));
        if (written != scenario.jobs() * 1024L * 1024L) {
            throw new IllegalStateException("the video has " + written + " bytes");
        }
        return new Result(scenario, wall, Double.NaN, 1 / wall, Double.NaN, -1, -1, Double.NaN,
                GcLog.growth(dir.resolve("gc.log"), from, to));
    }

    private static void awaitStarted(Process app, int management) {
        awaitCondition(Duration.ofMinutes(2), Duration.ofMillis(100), app, null, "the application did not start",
                () -> usedHeapMb(management) > 0);
    }

    /** Waits until the condition holds, looking every interval; a dead application or the time up ends it. */
    static void awaitCondition(Duration atMost, Duration every, Process app, Path dir, String failure,
                                       java.util.concurrent.Callable<Boolean> condition) {
        try {
            org.awaitility.Awaitility.await().atMost(atMost).pollInterval(every).pollDelay(Duration.ZERO)
                    .until(() -> {
                        if (!app.isAlive()) {
                            throw new IllegalStateException(failure + ": the application ended"
                                                            + (dir == null ? "" : "; see " + dir.resolve("app.log")));
                        }
                        return condition.call();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException(failure + " within " + atMost
                                            + (dir == null ? "" : "; see " + dir.resolve("app.log")), e);
        }
    }

    private static double uptimeSeconds(Process app) {
        return app.toHandle().info().startInstant()
                .map(started -> Duration.between(started, java.time.Instant.now()).toMillis() / 1000.0).orElse(0.0);
    }

    private static long cpuMillis(Process app) {
        return app.toHandle().info().totalCpuDuration().map(Duration::toMillis).orElse(0L);
    }

    /** Drops a file of N small prompts and waits until it is archived; returns the wall time in seconds. */
    private static double runBatch(Path dir, String name, int jobs, Process app, double[] window) throws Exception {
        return runBatch(dir, name, jobs, app, window, "");
    }

    private static double runBatch(Path dir, String name, int jobs, Process app, double[] window, String options)
            throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        String prompts = IntStream.rangeClosed(1, jobs).mapToObj(i -> name + " prompt " + i + " --size 64x64" + options)
                .collect(Collectors.joining("\n"));
        Path temp = Files.writeString(dir.resolve(name + ".tmp"), prompts);
        // a batch prepared beforehand and moved in: older than the inbox's settle time, so taken at once
        Files.setLastModifiedTime(temp, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(60)));
        long start = System.nanoTime();
        double from = uptimeSeconds(app);
        Files.move(temp, inbox.resolve(name + ".txt"));
        Path archived = dir.resolve("archive").resolve(name + ".txt");
        Path failed = dir.resolve("failed").resolve(name + ".txt");
        awaitCondition(Duration.ofMinutes(15), Duration.ofMillis(20), app, dir, name + " did not succeed", () -> {
            if (Files.exists(failed)) {
                throw new IllegalStateException(name + " failed; see " + dir.resolve("app.log"));
            }
            return Files.exists(archived);
        });
        if (window != null) {
            window[0] = from;
            window[1] = uptimeSeconds(app);
        }
        // the file is archived after its last output: the wall time ends when the last image was written
        return (System.nanoTime() - start) / 1e9;
    }

    private static double usedHeapMb(int port) {
        try {
            HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/observe/metrics")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return metrics.body().lines().filter(l -> l.startsWith("jvm_memory_used_bytes{area=\"heap\""))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum() / (1024 * 1024);
        } catch (IOException | InterruptedException | RuntimeException e) {
            return 0;
        }
    }

    /** The application in a JVM of its own, working in {@code dir} and logging to {@code dir/app.log}. */
    static Process startApplication(Path dir, List<String> jvmOptions, Map<String, String> settings) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", absoluteClassPath()));
        settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add(Application.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("app.log").toFile());
        // the benchmark's own variable is no setting of the application's, which refuses unknown PROMPTRELAY_ names
        builder.environment().remove("PROMPTRELAY_BENCH_JVM_OPTS");
        return builder.start();
    }

    /** The application runs in its own folder: a relative class path (-cp target/promptrelay.jar) must not break. */
    private static String absoluteClassPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(java.io.File.pathSeparator));
    }

    /** ModelScope live against the stand-in, the other providers off, the API and operations servers on these ports. */
    static Map<String, String> modelScopeWithApi(SandboxServer provider, int maxConcurrent, int apiPort,
                                                 int managementPort) {
        return Map.of("promptrelay.modelscope.base-url", provider.baseUrl(),
                "promptrelay.modelscope.api-key", "benchmark",
                "promptrelay.modelscope.max-concurrent", String.valueOf(maxConcurrent),
                "promptrelay.modelscope.scripts-config-file", "",
                "promptrelay.modellix.api-key", "", "promptrelay.scenario.api-key", "",
                "camel.server.enabled", "true", "camel.server.port", String.valueOf(apiPort),
                "camel.management.port", String.valueOf(managementPort));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static String row(Result r) {
        return String.format(Locale.ROOT, "| %s | %.1f | %s | %s | %s | %s | %.1f | %s | %s | %s | %s | %s |",
                r.scenario().label(), r.wallSeconds(),
                r.scenario().latencyMillis() == 0 ? "n/a" : figure("%.2f", r.efficiency()), figure("%.2f", r.oracle()),
                figure("%.2f", r.efficiency() / r.oracle()), figure("%.2f", r.bestSchedule() / r.oracle()),
                r.jobsPerSecond(), figure("%.2f", r.pollsPerTask()), figure("%.0f", r.detectionMeanMillis()),
                figure("%.0f", r.detectionP95Millis()), figure("%.1f", r.cpuMillisPerJob()), r.heap());
    }

    private static String figure(String format, double value) {
        return Double.isNaN(value) || value < 0 ? "n/a" : String.format(Locale.ROOT, format, value);
    }

    static String table(List<Result> results) {
        StringBuilder table = new StringBuilder("| scenario | wall s | efficiency | oracle | of oracle "
                                                + "| best 5-poll schedule, of oracle | jobs/s "
                                                + "| polls/task | detection mean ms | detection p95 ms | CPU ms/job "
                                                + "| heap MB: peak used / peak live |\n"
                                                + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        results.forEach(r -> table.append(row(r)).append('\n'));
        return table.toString();
    }

    private static String report(String table) {
        return "# Benchmarks\n\n"
               + "Measured with `mvn -q -Pbenchmark test-compile` on "
               + LocalDate.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores, Java "
               + System.getProperty("java.version") + ", " + System.getProperty("os.name") + ".\n\n"
               + "The application runs with its default settings (except C as `promptrelay.modelscope.max-concurrent`, "
               + "and min(16, C) submit and poll consumers) in a JVM of its own (-Xmx256m) against the sandbox, "
               + "which enforces the concurrency limit C (429 beyond it) and measures, per task, how late the end was "
               + "noticed and how many polls it took. The sandbox runs in the benchmark's JVM on the same cores. Each "
               + "throughput scenario first runs a warm-up batch, so the application has seen durations of the model: "
               + "max(8, 2C) tasks, or with spread durations max(50, 2C), the 50 a poll plan is drawn from. "
               + "Efficiency is the sum of the task durations divided by C (N*L/C for fixed durations) over the "
               + "wall time from the drop of the prompt file to its archiving, after the last image is written; it "
               + "includes the intake's check that the file is complete. The independent stand-in is a bare ModelScope "
               + "server written apart from the sandbox (no `time_taken`, no progress, a plain 429 beyond C) that "
               + "counts polls and detection itself. The best 5-poll schedule is what any client that polls each "
               + "task at fixed times after its submit could reach at most: the schedule with the soonest detection "
               + "on average within 5 polls a task, worked out on the true distribution of the durations, and the next "
               + "submit leaving the moment an end is seen (list scheduling on the same draws, as the oracle). Heap figures come from the application's GC log (`-Xlog:gc`) "
               + "over the measured batch: used before a collection (garbage included) and live after it; for the "
               + "video, how far they rose over the live heap before it.\n\n" + table;
    }

}
