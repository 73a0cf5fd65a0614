package dev.promptrelay;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptrelay.sandbox.SandboxBehaviour;
import dev.promptrelay.sandbox.SandboxServer;

/**
 * The folders and ports of one test run of the real application, and the settings that point it at them: handed to
 * the application through the test harness's override properties (see {@link RunningApplication}), never JVM-wide.
 */
final class TestFolders {

    static final ObjectMapper JSON = new ObjectMapper();

    final Path root;
    final Path inbox;
    final Path outbox;
    final Path archive;
    final Path failed;
    /** The run's own provider profiles folder (absent until a test writes a profile). */
    final Path providers;
    final int sandboxPort;
    /** The settings of this run, over promptrelay's defaults, as -D options are for users. */
    private final Map<String, String> settings = new LinkedHashMap<>();

    private TestFolders(Path root, int sandboxPort) {
        this.root = root;
        this.inbox = root.resolve("inbox");
        this.outbox = root.resolve("outbox");
        this.archive = root.resolve("archive");
        this.failed = root.resolve("failed");
        this.providers = root.resolve("providers");
        this.sandboxPort = sandboxPort;
    }

    /** Fresh folders, a free port for the embedded sandbox, fast sandbox tasks. */
    static TestFolders create(String name) throws IOException {
        TestFolders folders = new TestFolders(runDir(name), freePort());
        folders.set("promptrelay.inbox", folders.inbox.toString());
        folders.set("promptrelay.outbox", folders.outbox.toString());
        folders.set("promptrelay.archive", folders.archive.toString());
        folders.set("promptrelay.failed", folders.failed.toString());
        folders.set("promptrelay.state-dir", folders.root.resolve("state").toString());
        folders.set("promptrelay.sandbox.port", String.valueOf(folders.sandboxPort));
        folders.set("promptrelay.sandbox.task-millis", "300");
        // the HTTP API only where a test asks for it, on a port of its own
        folders.set("camel.server.enabled", "false");
        folders.set("camel.management.enabled", "false");
        folders.set("promptrelay.poll.first-delay-millis", "200");
        // a developer's own keys and ModelScope settings file must not take the tests live
        for (String key : List.of("promptrelay.modelscope.api-key", "promptrelay.modellix.api-key",
                "promptrelay.scenario.api-key", "promptrelay.scenario.api-secret", "promptrelay.replicate.api-key",
                "promptrelay.fal.api-key", "promptrelay.bfl.api-key", "promptrelay.openai.api-key")) {
            folders.set(key, "");
        }
        folders.set("promptrelay.modelscope.scripts-config-file", folders.root.resolve("no-such-file.md").toString());
        folders.set("promptrelay.providers-dir", folders.providers.toString());
        return folders;
    }

    /** Sets one setting of this run (before the application starts). */
    TestFolders set(String key, String value) {
        settings.put(key, value);
        return this;
    }

    /** The settings of this run, for the harness. */
    Map<String, String> settings() {
        return Map.copyOf(settings);
    }

    /** A provider stand-in started on its own, which outlives the application; the app is pointed at it. */
    SandboxServer standIn(long taskMillis) throws IOException {
        return standIn(new SandboxBehaviour(taskMillis, SandboxBehaviour.DEFAULT_REFUSE_MARKER));
    }

    SandboxServer standIn(SandboxBehaviour behaviour) throws IOException {
        SandboxServer server = new SandboxServer(behaviour).start(0);
        for (String provider : List.of("modelscope", "modellix", "scenario")) {
            set("promptrelay." + provider + ".base-url", server.baseUrlFor(provider));
        }
        return server;
    }

    /**
     * Points every provider at a scripted server, live (keys set), with quick polls: the base URLs carry each
     * provider's own prefix, as in production.
     */
    ScriptedProvider scripted() throws IOException {
        ScriptedProvider server = new ScriptedProvider();
        set("promptrelay.modelscope.base-url", server.baseUrl());
        set("promptrelay.modellix.base-url", server.baseUrl() + "/api/v1");
        set("promptrelay.scenario.base-url", server.baseUrl() + "/v1");
        set("promptrelay.modelscope.api-key", TestKeys.MODELSCOPE);
        set("promptrelay.modellix.api-key", TestKeys.MODELLIX);
        set("promptrelay.scenario.api-key", TestKeys.SCENARIO_KEY);
        set("promptrelay.scenario.api-secret", TestKeys.SCENARIO_SECRET);
        set("promptrelay.replicate.base-url", server.baseUrl());
        set("promptrelay.fal.base-url", server.baseUrl());
        set("promptrelay.bfl.base-url", server.baseUrl());
        set("promptrelay.replicate.api-key", TestKeys.REPLICATE);
        set("promptrelay.fal.api-key", TestKeys.FAL);
        set("promptrelay.bfl.api-key", TestKeys.BFL);
        set("promptrelay.replicate.requests-per-minute", "0");
        set("promptrelay.modelscope.max-concurrent", "4");
        set("promptrelay.modellix.requests-per-minute", "0");
        set("promptrelay.poll.first-delay-millis", "100");
        set("promptrelay.poll.max-delay-millis", "200");
        return server;
    }

    /** Waits until a prompt file has left processing, in the archive or in failed/. */
    void awaitDone(String file) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> Files.exists(archive.resolve(file)) || Files.exists(failed.resolve(file + ".error.json")));
    }

    /** The failed job of a one-job prompt file, as its error file reports it. */
    JsonNode failedJob(String file) throws IOException {
        Path error = failed.resolve(file + ".error.json");
        if (!Files.exists(error)) {
            throw new AssertionError(file + " did not fail: it is in " + (Files.exists(archive.resolve(file))
                    ? "the archive" : "neither the archive nor failed/"));
        }
        return json(error).path("jobs").get(0);
    }

    /** A fresh folder for one test run under target/test-runs, where SecretsIT looks for leaked keys afterwards. */
    static Path runDir(String name) throws IOException {
        Path runs = Files.createDirectories(Path.of("target", "test-runs").toAbsolutePath());
        return Files.createTempDirectory(runs, name + "-");
    }

    /**
     * A port free now, below the range the system hands out for port 0 and outgoing connections (32768 and up on
     * Linux): a stand-in another test JVM binds to port 0 meanwhile, or a client's connection, can never take it
     * between this choice and the application's bind.
     */
    static int freePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int tries = 0; tries < 200; tries++) {
            int port = random.nextInt(15000, 32000);
            try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // in use: another
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Writes a prompt file the way an editor would not: whole, under a temporary name first, then renamed in. */
    Path drop(String name, byte[] content) throws IOException {
        Files.createDirectories(inbox);
        Path temp = Files.createTempFile(root, "drop", ".tmp");
        Files.write(temp, content);
        return Files.move(temp, inbox.resolve(name));
    }

    Path drop(String name, String content) throws IOException {
        return drop(name, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    List<Path> files(Path dir, String glob) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            // the inbox's lock, which stays while the application runs, is no file of the user's
            return files.filter(p -> p.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName()))
                    .filter(p -> !p.getFileName().toString().equals(dev.promptrelay.prompt.InboxEntries.INBOX_LOCK))
                    .sorted().toList();
        }
    }

    JsonNode json(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    /** What the sandbox counted: submits, polls, downloads, rejected. */
    static Map<String, Long> stats(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_sandbox/stats")).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readValue(response.body(), new TypeReference<>() {
        });
    }

    Map<String, Long> stats() throws IOException, InterruptedException {
        return stats(sandboxPort);
    }
}
