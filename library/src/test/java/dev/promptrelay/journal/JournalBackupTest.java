package dev.promptrelay.journal;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backup a clean stop makes: a small journal is copied at every stop; a big one (a long history) at most once a
 * day, so the stop does not grow with the history.
 */
class JournalBackupTest {

    @TempDir
    Path stateDir;

    @Test
    void aSmallJournalIsCopiedAtEveryStop() throws Exception {
        JournalFile journal = new JournalFile(stateDir, "sa", "");
        Files.writeString(journal.file(), "first");
        journal.backUpAfterClose();
        Files.writeString(journal.file(), "second");
        journal.backUpAfterClose();
        assertThat(journal.backup()).hasContent("second");
    }

    @Test
    void aBigJournalIsCopiedOnceADay() throws Exception {
        JournalFile journal = new JournalFile(stateDir, "sa", "");
        // sparse: big on paper, nothing on the disk
        try (RandomAccessFile file = new RandomAccessFile(journal.file().toFile(), "rw")) {
            file.setLength(JournalFile.COPIED_AT_EVERY_STOP + 1);
        }
        journal.backUpAfterClose();
        assertThat(Files.size(journal.backup())).as("no backup yet: copied").isEqualTo(JournalFile.COPIED_AT_EVERY_STOP + 1);
        Files.writeString(journal.backup(), "made an hour ago");
        Files.setLastModifiedTime(journal.backup(), FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        journal.backUpAfterClose();
        assertThat(journal.backup()).as("backed up within the day: left as it is").hasContent("made an hour ago");
        Files.setLastModifiedTime(journal.backup(), FileTime.from(Instant.now().minus(Duration.ofHours(25))));
        journal.backUpAfterClose();
        assertThat(Files.size(journal.backup())).as("a day old: copied again").isEqualTo(JournalFile.COPIED_AT_EVERY_STOP + 1);
    }
}
