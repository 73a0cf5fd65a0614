package dev.promptrelay;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptrelay.sandbox.SandboxBehaviour;
import dev.promptrelay.sandbox.SandboxServer;

/**
 * The folders and ports of one test run of the real application, handed to it as system properties (which override
 * application.properties, as -D does for users).
 */
final class TestFolders {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SETTINGS = List.of("promptrelay.inbox", "promptrelay.outbox",
            "promptrelay.archive", "promptrelay.failed", "promptrelay.state-dir", "promptrelay.sandbox.port",
            "promptrelay.sandbox.task-millis", "promptrelay.poll.first-delay-millis",
            "promptrelay.modelscope.api-key", "promptrelay.modelscope.base-url",
            "promptrelay.modelscope.scripts-config-file", "promptrelay.modellix.api-key", "promptrelay.modellix.base-url",
            "promptrelay.scenario.api-key", "promptrelay.scenario.api-secret", "promptrelay.scenario.base-url",
            "promptrelay.poll.max-delay-millis", "promptrelay.modellix.submit-path",
            "promptrelay.modelscope.max-concurrent", "promptrelay.modellix.requests-per-minute",
            "camel.server.enabled", "camel.server.port", "promptrelay.api.token", "camel.management.enabled",
            "camel.management.port");

    final Path root;
    final Path inbox;
    final Path outbox;
    final Path archive;
    final Path failed;
    final int sandboxPort;

    private TestFolders(Path root, int sandboxPort) {
        this.root = root;
        this.inbox = root.resolve("inbox");
        this.outbox = root.resolve("outbox");
        this.archive = root.resolve("archive");
        this.failed = root.resolve("failed");
        this.sandboxPort = sandboxPort;
    }

    /** Fresh folders, a free port for the embedded sandbox, fast sandbox tasks. */
    static TestFolders create(String name) throws IOException {
        clear();
        TestFolders folders = new TestFolders(runDir(name), freePort());
        System.setProperty("promptrelay.inbox", folders.inbox.toString());
        System.setProperty("promptrelay.outbox", folders.outbox.toString());
        System.setProperty("promptrelay.archive", folders.archive.toString());
        System.setProperty("promptrelay.failed", folders.failed.toString());
        System.setProperty("promptrelay.state-dir", folders.root.resolve("state").toString());
        System.setProperty("promptrelay.sandbox.port", String.valueOf(folders.sandboxPort));
        System.setProperty("promptrelay.sandbox.task-millis", "300");
        // the HTTP API only where a test asks for it, on a port of its own
        System.setProperty("camel.server.enabled", "false");
        System.setProperty("camel.management.enabled", "false");
        System.setProperty("promptrelay.poll.first-delay-millis", "200");
        // a developer's own keys and ModelScope settings file must not take the tests live
        for (String key : List.of("promptrelay.modelscope.api-key", "promptrelay.modellix.api-key",
                "promptrelay.scenario.api-key", "promptrelay.scenario.api-secret")) {
            System.setProperty(key, "");
        }
        System.setProperty("promptrelay.modelscope.scripts-config-file", folders.root.resolve("no-such-file.md").toString());
        return folders;
    }

    /** A provider stand-in started on its own, which outlives the application; the app is pointed at it. */
    static SandboxServer standIn(long taskMillis) throws IOException {
        return standIn(new SandboxBehaviour(taskMillis, SandboxBehaviour.DEFAULT_REFUSE_MARKER));
    }

    static SandboxServer standIn(SandboxBehaviour behaviour) throws IOException {
        SandboxServer server = new SandboxServer(behaviour).start(0);
        for (String provider : List.of("modelscope", "modellix", "scenario")) {
            System.setProperty("promptrelay." + provider + ".base-url", server.baseUrlFor(provider));
        }
        return server;
    }

    /**
     * Points every provider at a scripted server, live (keys set), with quick polls: the base URLs carry each
     * provider's own prefix, as in production.
     */
    static ScriptedProvider scripted() throws IOException {
        ScriptedProvider server = new ScriptedProvider();
        System.setProperty("promptrelay.modelscope.base-url", server.baseUrl());
        System.setProperty("promptrelay.modellix.base-url", server.baseUrl() + "/api/v1");
        System.setProperty("promptrelay.scenario.base-url", server.baseUrl() + "/v1");
        System.setProperty("promptrelay.modelscope.api-key", TestKeys.MODELSCOPE);
        System.setProperty("promptrelay.modellix.api-key", TestKeys.MODELLIX);
        System.setProperty("promptrelay.scenario.api-key", TestKeys.SCENARIO_KEY);
        System.setProperty("promptrelay.scenario.api-secret", TestKeys.SCENARIO_SECRET);
        System.setProperty("promptrelay.modelscope.max-concurrent", "4");
        System.setProperty("promptrelay.modellix.requests-per-minute", "0");
        System.setProperty("promptrelay.poll.first-delay-millis", "100");
        System.setProperty("promptrelay.poll.max-delay-millis", "200");
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

    static void clear() {
        SETTINGS.forEach(System::clearProperty);
    }

    static int freePort() throws IOException {
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
            return files.filter(p -> p.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName()))
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
