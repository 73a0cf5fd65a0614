package dev.promptrelay;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.promptrelay.sandbox.SandboxBehaviour;
import dev.promptrelay.sandbox.SandboxServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox and the shared folder (held prompt files, kept pictures, thumbnails) made unreadable ({@code chmod 000})
 * while 12 paid tasks run, by a user who cannot override permissions (the application in its own JVM; as root, under
 * setpriv without the capabilities that override them). Nothing paid for is failed: the results wait in the state
 * directory with health DOWN, move in once the outbox opens again, and the prompt file, which could not even be looked
 * at for a while, is archived once the shared folder opens too; it is never declared gone.
 */
class UnreadableFoldersIT {

    @Test
    void paidResultsWaitForUnreadableFoldersAndNothingFails() throws Exception {
        Path dir = TestFolders.runDir("unreadable");
        Path outbox = dir.resolve("outbox");
        Path shared = dir.resolve("shared");
        int health = TestFolders.freePort();
        try (SandboxServer provider = new SandboxServer(new SandboxBehaviour(2500, SandboxBehaviour.DEFAULT_REFUSE_MARKER))
                .start(0)) {
            Map<String, String> settings = SeparateJvm.liveModelScope(provider.baseUrl(), 12,
                    "promptrelay.shared-dir", shared.toString(),
                    "promptrelay.poll.first-delay-millis", "500",
                    "camel.management.enabled", "true", "camel.management.port", String.valueOf(health));
            Files.createDirectories(dir.resolve("inbox"));
            Path temp = Files.writeString(dir.resolve("batch.tmp"), IntStream.rangeClosed(1, 12)
                    .mapToObj(i -> "a fox behind a closed door " + i).collect(Collectors.joining("\n")));
            // the tasks run until the folders are closed, however slow the machine
            GalleryIT.sandboxFaults(provider.baseUrl(), "{\"never_end_every\": 1}");
            try (SeparateJvm app = SeparateJvm.startBoundByPermissions(dir, List.of("-Xmx256m"), settings)) {
                Files.move(temp, dir.resolve("inbox").resolve("batch.txt"));
                await().atMost(Duration.ofSeconds(60)).until(() -> provider.count("submits") == 12 || !app.isAlive());
                close(outbox);
                close(shared);
                GalleryIT.sandboxFaults(provider.baseUrl(), "{\"never_end_every\": 0}");
                try {
                    // every result made meanwhile is fetched, and waits: the outbox check says why
                    await().atMost(Duration.ofSeconds(60)).until(() -> provider.count("downloads") >= 12);
                    await().atMost(Duration.ofSeconds(20)).until(() -> health(health).contains("\"outbox\"")
                                                                       && health(health).contains("DOWN"));
                    // a file dropped meanwhile cannot be taken in: it waits in the inbox, not in failed/
                    Files.move(Files.writeString(dir.resolve("later.tmp"), "a hare that came later\n"),
                            dir.resolve("inbox").resolve("later.txt"));
                    await().atMost(Duration.ofSeconds(20)).until(() -> app.logText().contains("\"later.txt\" cannot be taken in now"));
                    assertThat(dir.resolve("inbox").resolve("later.txt")).exists();
                    assertThat(dir.resolve("failed").resolve("later.txt")).doesNotExist();
                    open(outbox);
                    // the outputs move in; the prompt file cannot be looked at yet, and is neither failed nor gone
                    await().atMost(Duration.ofSeconds(60)).until(() -> pngs(outbox.resolve("batch")) == 12);
                    await().atMost(Duration.ofSeconds(20)).until(() -> app.logText().contains("cannot be moved")
                                                                       || app.logText().contains("cannot be read"));
                    assertThat(dir.resolve("archive").resolve("batch.txt")).doesNotExist();
                    assertThat(health(health)).as("a prompt file that cannot be moved out is a reason for DOWN")
                            .contains("DOWN");
                } finally {
                    open(outbox);
                    open(shared);
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(dir.resolve("archive").resolve("batch.txt"))
                                                                    || Files.exists(dir.resolve("failed").resolve("batch.txt"))
                                                                    || !app.isAlive());
                assertThat(dir.resolve("archive").resolve("batch.txt")).as(app.logTail(60)).exists();
                assertThat(pngs(outbox.resolve("batch"))).isEqualTo(12);
                assertThat(TestFolders.JSON.readTree(outbox.resolve("batch.summary.json").toFile()).path("outcome").asText())
                        .isEqualTo("succeeded");
                await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(dir.resolve("archive").resolve("later.txt")));
                assertThat(provider.count("submits")).as("nothing paid twice").isEqualTo(13);
                assertThat(app.logText()).as(app.logTail(60)).doesNotContain("is gone").doesNotContain("job(s) failed");
                await().atMost(Duration.ofSeconds(20)).until(() -> health(health).contains("\"UP\"")
                                                                   && !health(health).contains("DOWN"));
            }
        }
    }

    private static void close(Path folder) throws Exception {
        Files.createDirectories(folder);
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("---------"));
    }

    private static void open(Path folder) throws Exception {
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static long pngs(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(".png")).count();
        }
    }

    private static String health(int port) throws Exception {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/observe/health?data=true")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            return "not answering: " + e;
        }
    }
}
