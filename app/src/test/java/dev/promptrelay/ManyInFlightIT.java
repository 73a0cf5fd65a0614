package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * More tasks in flight than Camel's default pool lets wait (1000): every one is submitted and waits for its poll
 * without holding a thread. With the default pool, waits beyond 1000 sleep on the route's own threads and the
 * submits stall at 16 + 1000 + 1000 + 16 (threads asleep, waits, the poll queue, submit threads blocked on it).
 */
class ManyInFlightIT extends RunningApplication {

    static final int TASKS = 2100;
    static TestFolders folders;

    @BeforeAll
    static void folders() throws IOException {
        folders = TestFolders.create("many-in-flight");
        // the tasks outlast the test, and their first polls come after it
        folders.set("promptrelay.sandbox.task-millis", "600000");
        folders.set("promptrelay.poll.first-delay-millis", "300000");
        folders.set("promptrelay.modelscope.max-concurrent", String.valueOf(TASKS));
        folders.set("promptrelay.max-jobs-per-file", String.valueOf(TASKS));
        folders.set("promptrelay.submit.concurrent-consumers", "16");
        folders.set("promptrelay.poll.concurrent-consumers", "16");
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void moreTasksThanTheDefaultPoolLetsWaitAreAllUnderWay() throws Exception {
        folders.drop("many.txt", IntStream.rangeClosed(1, TASKS).mapToObj(i -> "a pebble " + i + " --size 64x64")
                .collect(Collectors.joining("\n")));

        // the promise is that all get under way, not how fast a busy machine submits 2,100 requests
        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(500))
                .until(() -> folders.stats().get("submits") >= TASKS);

        assertThat(folders.stats().get("submits")).as("each task submitted once").isEqualTo(TASKS);
        assertThat(folders.stats().get("polls")).as("none polled yet: they all wait").isZero();
    }
}
