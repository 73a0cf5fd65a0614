package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The inbox as a hostile or unlucky user fills it: links to files elsewhere, pipes, hidden and unspellable names,
 * names near the file system's limit, line breaks in names, files written slowly or paused mid-write, and a file that
 * changes after its jobs were queued. Nothing outside the inbox is read, nothing waits in the inbox unexplained,
 * and no prompt is silently dropped.
 */
class InboxEdgesIT extends RunningApplication {

    static TestFolders folders;

    @BeforeAll
    static void folders() throws IOException {
        folders = TestFolders.create("inbox-edges");
    }


    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void linksPipesAndWhatTheyPointToAreNeverRead() throws Exception {
        long submitsBefore = folders.stats().get("submits");
        Path outside = Files.createDirectories(folders.root.resolve("outside"));
        Path secret = Files.writeString(outside.resolve("shadow"),
                "root:$6$verysecret$hash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n");
        Files.createDirectories(folders.inbox);
        Files.createSymbolicLink(folders.inbox.resolve("shadow.txt"), secret);
        Files.createSymbolicLink(folders.inbox.resolve("elsewhere"), outside);
        Files.createSymbolicLink(folders.inbox.resolve("gone.txt"), folders.root.resolve("no-such-file"));
        Machine.run("mkfifo", folders.inbox.resolve("pipe.txt").toString());

        List<String> unread = List.of("shadow.txt", "elsewhere", "gone.txt", "pipe.txt");
        await().atMost(Duration.ofSeconds(30)).until(() -> unread.stream()
                .allMatch(name -> Files.exists(folders.failed.resolve(name + ".error.json"))));

        assertThat(error("shadow.txt").path("error").asText()).contains("symbolic link");
        assertThat(error("elsewhere").path("error").asText()).contains("symbolic link");
        assertThat(error("gone.txt").path("error").asText()).contains("symbolic link");
        assertThat(error("pipe.txt").path("error").asText()).contains("not a regular file");
        for (String name : unread) {
            assertThat(error(name).path("jobs_submitted").asInt()).isZero();
            assertThat(error(name).path("what_to_do").asText()).isNotBlank();
        }
        assertThat(Files.isSymbolicLink(folders.failed.resolve("shadow.txt"))).as("the link itself was moved").isTrue();
        assertThat(secret).as("what it points to is untouched").content().contains("verysecret");
        assertThat(folders.stats().get("submits")).as("nothing was submitted").isEqualTo(submitsBefore);
        assertThat(folders.outbox.resolve("shadow")).doesNotExist();
        try (Stream<Path> written = Files.walk(folders.root)) {
            List<Path> leaks = written.filter(p -> !p.startsWith(outside))
                    .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> contains(p, "verysecret")).toList();
            assertThat(leaks).as("the secret's lines are nowhere in what promptrelay wrote").isEmpty();
        }
        try (Stream<Path> inbox = Files.list(folders.inbox)) {
            assertThat(inbox.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> !p.getFileName().toString().equals(dev.promptrelay.prompt.InboxEntries.INBOX_LOCK))).as("nothing waits in the inbox").isEmpty();
        }
    }

    @Test
    void hiddenUnspellableAndVeryLongNamesEndSomewhereAUserLooks() throws Exception {
        String long230 = "a".repeat(226) + ".txt";
        String long250 = "b".repeat(246) + ".txt";
        String broken = "evil\nERROR forged line.txt";
        try (LogCapture log = LogCapture.start()) {
            folders.drop("...txt", "a fox\n");
            folders.drop("..x.txt", "a hare\n");
            folders.drop(".DS_Store", "not a prompt\n");
            folders.drop(".draft.txt.part", "a draft still being written\n");
            folders.drop(long230, "a long fox\n");
            folders.drop(long250, "a longer fox\n");
            folders.drop(broken, "a fox with a broken name\n");
            Machine.run("bash", "-c", "printf 'a fox\\n' > \"$1\"$'\\xff.txt'", "_", folders.inbox.resolve("bad").toString());

            await().atMost(Duration.ofSeconds(40)).until(() -> Files.exists(folders.failed.resolve("txt.error.json"))
                    && Files.exists(folders.failed.resolve("x.txt.error.json"))
                    && Files.exists(folders.failed.resolve("DS_Store.error.json"))
                    && Files.exists(folders.archive.resolve(long230)) && Files.exists(folders.archive.resolve(long250))
                    && Files.exists(folders.archive.resolve(broken))
                    && !folders.files(folders.failed, "bad*.error.json").isEmpty());

            assertThat(error("txt").path("file").asText()).isEqualTo("...txt");
            assertThat(error("txt").path("error").asText()).contains("starts with a dot");
            assertThat(error("x.txt").path("file").asText()).isEqualTo("..x.txt");
            JsonNode unspellable = folders.json(folders.files(folders.failed, "bad*.error.json").get(0));
            assertThat(unspellable.path("error").asText()).contains("not valid text");
            assertThat(folders.inbox.resolve(".draft.txt.part")).as("a temporary name is left to its writer").exists();
            assertThat(folders.files(folders.outbox.resolve("a".repeat(100)), "*.png")).hasSize(1);
            assertThat(folders.files(folders.outbox.resolve("b".repeat(100)), "*.png")).hasSize(1);
            assertThat(log.text()).as("the name is quoted and escaped").contains("\"evil\\nERROR forged line.txt\"");
            assertThat(log.text().lines()).as("no forged line").noneMatch(l -> l.startsWith("ERROR forged"));
            // each is reported once, however many times the inbox is looked at since
            await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                    .until(() -> log.linesContaining("\"...txt\" in the inbox was not read") == 1);
        }
        Files.move(folders.inbox.resolve(".draft.txt.part"), folders.inbox.resolve("draft.txt"));
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve("draft.txt")));
        try (Stream<Path> inbox = Files.list(folders.inbox)) {
            // Camel's read locks gone; promptrelay's own lock on the inbox stays while it runs
            assertThat(inbox.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> !p.getFileName().toString().equals(dev.promptrelay.prompt.InboxEntries.INBOX_LOCK)))
                    .as("nothing waits in the inbox, no lock file either").isEmpty();
        }
    }

    @Test
    void aFileWrittenALineAtATimeIsTakenWhole() throws Exception {
        Path file = folders.inbox.resolve("slow.txt");
        Files.createDirectories(folders.inbox);
        AtomicInteger written = new AtomicInteger();
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            writer.scheduleAtFixedRate(() -> {
                try {
                    if (written.get() < 17) {
                        out.write("a slowly written prompt " + written.incrementAndGet() + "\n");
                        out.flush();
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, 0, 300, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> written.get() == 17);
        } finally {
            writer.shutdownNow();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(folders.archive.resolve("slow.txt"))
                                                            || Files.exists(folders.failed.resolve("slow.txt")));
        assertThat(folders.archive.resolve("slow.txt")).as("every line was read").exists();
        assertThat(Files.readAllLines(folders.archive.resolve("slow.txt"))).hasSize(17);
        assertThat(folders.files(folders.outbox.resolve("slow"), "*.png")).hasSize(17);
        JsonNode summary = folders.json(folders.outbox.resolve("slow.summary.json"));
        assertThat(summary.path("jobs_total").asInt()).isEqualTo(17);
        assertThat(summary.path("outcome").asText()).isEqualTo("succeeded");
    }

    @Test
    void aJsonFileWhoseWriterPausedIsReadOnceComplete() throws Exception {
        Path file = folders.inbox.resolve("paused.json");
        Files.createDirectories(folders.inbox);
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("{\"jobs\": [{\"prompt\": \"a paused fox\"},\n");
            out.flush();
            // the writer is away three settle times: long enough for a file that holds still to be taken
            awaitStillFor(file, Duration.ofSeconds(3));
            assertThat(file).as("not taken while its writer holds it open").exists();
            out.write("  {\"prompt\": \"a paused hare\"}]}\n");
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve("paused.json"))
                                                            || Files.exists(folders.failed.resolve("paused.json")));
        assertThat(folders.failed.resolve("paused.json.error.json")).as("not rejected as half-written").doesNotExist();
        assertThat(folders.files(folders.outbox.resolve("paused"), "*.png")).hasSize(2);
    }

    /**
     * The case: a writer keeps its file open, writes one line, pauses longer than the settle time (5 s), then
     * writes two more. Every line runs, once; the file is archived whole and says so.
     */
    @Test
    void aTextFileWhoseWriterPausedLongerThanTheSettleTimeRunsEveryLine() throws Exception {
        long submitsBefore = folders.stats().get("submits");
        Path file = folders.inbox.resolve("pause5.txt");
        Files.createDirectories(folders.inbox);
        try (LogCapture log = LogCapture.start(); Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("a fox before the pause\n");
            out.flush();
            awaitStillFor(file, Duration.ofSeconds(5));
            assertThat(file).as("not taken while its writer holds it open").exists();
            assertThat(log.text()).as("the log says why it waits").contains("\"pause5.txt\" is still open for writing");
            out.write("a fox after the pause\na hare after the pause\n");
        }

        folders.awaitDone("pause5.txt");
        assertThat(folders.archive.resolve("pause5.txt")).as("every job succeeded").exists();
        assertThat(Files.readAllLines(folders.archive.resolve("pause5.txt"))).hasSize(3);
        assertThat(folders.files(folders.outbox.resolve("pause5"), "*.png")).hasSize(3);
        JsonNode summary = folders.json(folders.outbox.resolve("pause5.summary.json"));
        assertThat(summary.path("jobs_total").asInt()).as("every line became a job").isEqualTo(3);
        assertThat(folders.stats().get("submits") - submitsBefore).isEqualTo(3);
    }

    /**
     * A writer promptrelay cannot see (on another machine of a network file system) changes the file after its jobs
     * were queued: it still ends in failed/, whole, listing what ran.
     */
    @Test
    void aFileThatChangesAfterItsJobsWereQueuedGoesToFailedWithNothingLost() throws Exception {
        long submitsBefore = folders.stats().get("submits");
        Path held = folders.root.resolve("state").resolve("in-progress");
        folders.drop("late.txt", "a first fox\na second fox\na third fox\n");
        // the file is journaled (it left the folder of files being read); the unseen writer appends to it there
        Path journaled = await().atMost(Duration.ofSeconds(20)).until(() -> heldJournaled(held, "late.txt"), p -> p != null);
        Files.writeString(journaled, "a fourth fox\na fifth fox\n", java.nio.file.StandardOpenOption.APPEND);

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.failed.resolve("late.txt.error.json"))
                                                            || Files.exists(folders.archive.resolve("late.txt")));
        JsonNode error = error("late.txt");
        assertThat(error.path("error").asText()).contains("changed after it was read").contains("line 3");
        assertThat(error.path("what_to_do").asText()).isNotBlank();
        assertThat(error.path("jobs")).hasSize(3);
        assertThat(Files.readAllLines(folders.failed.resolve("late.txt"))).as("what was added is kept").hasSize(5);
        assertThat(folders.files(folders.outbox.resolve("late"), "*.png")).hasSize(3);
        assertThat(folders.stats().get("submits") - submitsBefore).isEqualTo(3);
        assertThat(folders.json(folders.outbox.resolve("late.summary.json")).path("outcome").asText()).isEqualTo("failed");
    }

    /** Waits until the file has not changed for this long, by its own modification time. */
    private static void awaitStillFor(Path file, Duration still) {
        await().atMost(still.multipliedBy(4)).pollInterval(Duration.ofMillis(200)).until(() ->
                System.currentTimeMillis() - Files.getLastModifiedTime(file).toMillis() > still.toMillis());
    }

    /** The prompt file held while its jobs run, once it is journaled; null before. */
    private static Path heldJournaled(Path held, String name) throws IOException {
        try (Stream<Path> files = Files.walk(held)) {
            return files.filter(p -> p.getFileName().toString().equals(name) && !p.toString().contains(".incoming"))
                    .findFirst().orElse(null);
        }
    }

    private static JsonNode error(String name) throws IOException {
        return folders.json(folders.failed.resolve(name + ".error.json"));
    }

    private static boolean contains(Path file, String text) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
            return false;
        }
    }
}
