package dev.promptrelay;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code rm -rf .promptrelay} under a running application with the default layout, while its paid tasks run: the
 * log says so at once and health shows the journal DOWN; a clean stop writes the journal back, so the next start
 * resumes the tasks (paid once) instead of starting blind. A start that finds no journal beside the results of earlier
 * runs says what may have been lost.
 */
class StateDirDeletedIT {

    static final int JOBS = 6;

    @Test
    void aStateDirectoryDeletedWhileRunningIsWrittenBackAtStop() throws Exception {
        Path dir = TestFolders.runDir("state-deleted");
        int health = TestFolders.freePort();
        try (SandboxServer provider = new SandboxServer(new SandboxBehaviour(4000, SandboxBehaviour.DEFAULT_REFUSE_MARKER))
                .start(0)) {
            Map<String, String> settings = SeparateJvm.liveModelScope(provider.baseUrl(), JOBS,
                    "promptrelay.poll.first-delay-millis", "500",
                    "camel.management.enabled", "true", "camel.management.port", String.valueOf(health));
            Files.createDirectories(dir.resolve("inbox"));
            Path temp = Files.writeString(dir.resolve("batch.tmp"), IntStream.rangeClosed(1, JOBS)
                    .mapToObj(i -> "a fox in a deleted folder " + i).collect(Collectors.joining("\n")));
            // the tasks run until this test lets them end, however slow the machine
            GalleryIT.sandboxFaults(provider.baseUrl(), "{\"never_end_every\": 1}");
            try (SeparateJvm first = SeparateJvm.start(dir, List.of("-Xmx256m"), settings)) {
                Files.move(temp, dir.resolve("inbox").resolve("batch.txt"));
                await().atMost(Duration.ofSeconds(60)).until(() -> submitted(first) == JOBS || !first.isAlive());
                assertThat(provider.count("downloads")).as("deleted while every task still runs").isZero();
                deleteTree(dir.resolve(".promptrelay"));
                await().atMost(Duration.ofSeconds(20)).until(() -> first.logText().contains("was deleted while promptrelay runs"));
                await().atMost(Duration.ofSeconds(20)).until(() -> health(health).contains("was deleted"));
                first.stop();
                assertThat(first.logText()).contains("is written back there");
            }
            try (SeparateJvm second = SeparateJvm.start(dir, List.of("-Xmx256m"), settings)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> second.logText().lines()
                        .filter(l -> l.contains("resuming task")).count() == JOBS || !second.isAlive());
                GalleryIT.sandboxFaults(provider.baseUrl(), "{\"never_end_every\": 0}");
                await().atMost(Duration.ofSeconds(90)).until(() -> pngs(dir.resolve("outbox").resolve("batch")) == JOBS
                                                                    || !second.isAlive());
                assertThat(pngs(dir.resolve("outbox").resolve("batch"))).as(second.logTail(40)).isEqualTo(JOBS);
                assertThat(provider.count("submits")).as("the tasks resumed, none paid twice").isEqualTo(JOBS);
                assertThat(second.logText()).doesNotContain("There is no journal");
            }

            // deleted while stopped: the start cannot know what was lost, and says so
            deleteTree(dir.resolve(".promptrelay"));
            long startsBefore = journalReads(dir);
            try (SeparateJvm third = SeparateJvm.start(dir, List.of("-Xmx256m"), settings)) {
                // one log for all three runs: this one has started once it too has read its journal
                await().atMost(Duration.ofSeconds(60)).until(() -> journalReads(dir) > startsBefore || !third.isAlive());
                assertThat(third.logText()).as(third.logTail(30)).contains("There is no journal in")
                        .contains("holds results of earlier runs");
            }
        }
    }

    private static long journalReads(Path dir) throws java.io.IOException {
        return Files.readString(dir.resolve("app.log")).lines().filter(l -> l.contains("Journal read")).count();
    }

    private static long submitted(SeparateJvm app) throws java.io.IOException {
        return app.logText().lines().filter(l -> l.contains("submitted to modelscope as task")).count();
    }

    /**
     * {@code rm -rf}, again if it fails: the running application may write a new file into the folder between rm's
     * listing and its removal of the folder ("Directory not empty"), as a user typing it would see and repeat.
     */
    private static void deleteTree(Path root) {
        await().atMost(Duration.ofSeconds(20)).until(() -> new ProcessBuilder("rm", "-rf", root.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0);
    }

    private static long pngs(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(".png")).count();
        }
    }

    private static String health(int port) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/observe/health?data=true")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }
}
