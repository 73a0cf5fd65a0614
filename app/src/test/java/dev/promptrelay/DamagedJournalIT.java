package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.promptrelay.output.AtomicFiles;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A journal cut short, and one replaced by an older copy: promptrelay refuses to start, leaves the journal exactly
 * as it was, and says where the backup is and what to do; doing what it says gets it running again.
 */
class DamagedJournalIT {

    @Test
    void aDamagedJournalIsNeverChangedAndTheErrorSaysHowToRecover() throws Exception {
        Path dir = TestFolders.runDir("damaged-journal");
        Path state = dir.resolve(".promptrelay");
        Path journal = state.resolve("journal.mv.db");
        Map<String, String> settings = SeparateJvm.settings("promptrelay.modelscope.api-key", "",
                "promptrelay.modelscope.scripts-config-file", "", "promptrelay.modellix.api-key", "",
                "promptrelay.scenario.api-key", "", "promptrelay.sandbox.task-millis", "200");
        Files.createDirectories(dir.resolve("inbox"));

        run(dir, settings, "first.txt", "a fox\na hare\n");
        Path older = Files.copy(journal, dir.resolve("older.mv.db"));
        run(dir, settings, "second.txt", "a lynx\n");
        assertThat(state.resolve("journal-backup.mv.db")).as("a backup from the clean stop").exists();

        // an older copy put in place: it would open without a word, with its last changes gone
        Path current = Files.copy(journal, dir.resolve("current.mv.db"));
        Files.copy(older, journal, StandardCopyOption.REPLACE_EXISTING);
        String olderSha = AtomicFiles.sha256Of(journal);
        try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), settings)) {
            assertThat(app.exitCode(Duration.ofSeconds(60))).as(app.logTail(20)).isNotZero();
            assertThat(app.logText()).contains("holds less than promptrelay last saw in it")
                    .contains("journal.watermark");
        }
        assertThat(AtomicFiles.sha256Of(journal)).as("left exactly as it was").isEqualTo(olderSha);

        // cut short after its two header blocks, as a failing disk or an interrupted copy leaves it
        Files.copy(current, journal, StandardCopyOption.REPLACE_EXISTING);
        try (var channel = java.nio.channels.FileChannel.open(journal, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(8192);
        }
        String cutSha = AtomicFiles.sha256Of(journal);
        try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), settings)) {
            assertThat(app.exitCode(Duration.ofSeconds(60))).as(app.logTail(20)).isNotZero();
            assertThat(app.logText()).contains("promptrelay could not start")
                    .contains(state.resolve("journal-backup.mv.db").toString());
        }
        assertThat(AtomicFiles.sha256Of(journal)).as("left exactly as it was").isEqualTo(cutSha);

        // what the error says to do: the backup in its place, the watermark removed
        Files.move(journal, dir.resolve("damaged.mv.db"));
        Files.copy(state.resolve("journal-backup.mv.db"), journal);
        Files.delete(state.resolve("journal.watermark"));
        run(dir, settings, "third.txt", "a wolf\n");
        assertThat(dir.resolve("outbox").resolve("third").resolve("001-1.png")).exists();
    }

    /** Starts the application, drops a prompt file, waits for it to be archived, stops the application cleanly. */
    private static void run(Path dir, Map<String, String> settings, String name, String prompts) throws Exception {
        try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), settings)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !app.isAlive() || app.logText().contains("Journal read"));
            Path temp = Files.writeString(dir.resolve(name + ".tmp"), prompts);
            Files.move(temp, dir.resolve("inbox").resolve(name));
            await().atMost(Duration.ofSeconds(60)).until(() -> !app.isAlive()
                    || Files.exists(dir.resolve("archive").resolve(name)));
            assertThat(dir.resolve("archive").resolve(name)).as(app.logTail(40)).exists();
            app.stop();
        }
    }
}
