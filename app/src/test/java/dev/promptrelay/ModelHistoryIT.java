package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.promptrelay.bench.StandInProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What promptrelay learns of a model's task durations is kept in its journal: after a stop and a move of the whole
 * installation to another folder, the model's next tasks are polled on what was learnt, not from nothing. Polls are
 * counted by the independent stand-in, as the provider would see them.
 */
class ModelHistoryIT {

    @Test
    void theDurationsLearntSurviveAStopAndAMoveOfTheInstallation() throws Exception {
        Path installed = TestFolders.runDir("history");
        try (StandInProvider provider = new StandInProvider(3000, 0, 4)) {
            int firstTask = provider.nextTaskId();
            try (SeparateJvm app = SeparateJvm.start(installed, List.of("-Xmx256m"),
                    SeparateJvm.liveModelScope(provider.baseUrl(), 4))) {
                runBatch(app, installed, "learn", 8);
            }
            long nothingKnown = provider.earliestFirstPollMillis(firstTask, firstTask + 4);
            Path moved = Files.move(installed, installed.resolveSibling(installed.getFileName() + "-moved"));
            int afterMove = provider.nextTaskId();
            try (SeparateJvm app = SeparateJvm.start(moved, List.of("-Xmx256m"),
                    SeparateJvm.liveModelScope(provider.baseUrl(), 4))) {
                runBatch(app, moved, "again", 4);
            }
            long learnt = provider.earliestFirstPollMillis(afterMove, afterMove + 4);
            double[] polled = provider.pollsAndDetection(afterMove);
            // nothing known: polled 1, 1.2, 1.44, 1.73, 2.07, 2.49, 2.99, 3.58 s after the submit until the first end
            assertThat(nothingKnown).as("ms from a submit to its first poll, the model unknown").isLessThan(2000);
            // learnt: no poll long before the 3 s its tasks took
            assertThat(learnt).as("ms from a submit to its first poll after the move, on the 8 ends learnt before it")
                    .isGreaterThan(2000);
            assertThat(polled[0]).as("polls a task after the move").isLessThanOrEqualTo(8);
            // said once, in the first run: the user learns why the first polls come so close together
            assertThat(Files.readString(moved.resolve("app.log")).split("Tongyi-MAI/Z-Image-Turbo: nothing is known "
                                                                         + "yet of how long its tasks take", -1))
                    .as("the log says so once, in the first run").hasSize(2);
        }
    }

    @Test
    void theSandboxsQuickTasksDoNotPlanTheProvidersOwn() throws Exception {
        Path installed = TestFolders.runDir("history-sandbox");
        // tried first without a key: the sandbox answers for ModelScope, its tasks done in 200 ms
        try (SeparateJvm app = SeparateJvm.start(installed, List.of("-Xmx256m"),
                SeparateJvm.keyless("promptrelay.sandbox.task-millis", "200"))) {
            runBatch(app, installed, "tried", 8);
        }
        // then live, the same model: its tasks take 3 s, and nothing is known of them yet
        try (StandInProvider provider = new StandInProvider(3000, 0, 4)) {
            int firstLive = provider.nextTaskId();
            try (SeparateJvm app = SeparateJvm.start(installed, List.of("-Xmx256m"),
                    SeparateJvm.liveModelScope(provider.baseUrl(), 4))) {
                runBatch(app, installed, "live", 4);
            }
            assertThat(provider.earliestFirstPollMillis(firstLive, firstLive + 4))
                    .as("ms from a live submit to its first poll: not the sandbox's 200 ms plan").isGreaterThan(800);
        }
    }

    private static void runBatch(SeparateJvm app, Path dir, String name, int jobs) throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path written = Files.writeString(dir.resolve(name + ".part"), IntStream.rangeClosed(1, jobs)
                .mapToObj(i -> name + " prompt " + i).collect(Collectors.joining("\n")));
        Files.move(written, inbox.resolve(name + ".txt"));
        await().atMost(Duration.ofMinutes(2)).until(() -> Files.exists(dir.resolve("archive").resolve(name + ".txt"))
                                                         || !app.isAlive() || Files.exists(dir.resolve("failed").resolve(name + ".txt")));
        assertThat(dir.resolve("archive").resolve(name + ".txt")).as(app.logTail(30)).exists();
        assertThat(dir.resolve("outbox").resolve(name)).isDirectoryContaining(p -> p.toString().endsWith(".png"));
    }
}
