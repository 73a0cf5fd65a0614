package dev.promptrelay.journal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded journal's watermark: a journal that went on changing opens, however its rows changed (a retried job
 * takes back its task and its end); an older copy of it does not.
 */
class JournalWatermarkTest {

    @Test
    void aRetryJustBeforeAKillStillOpensAndAnOlderCopyStillDoesNot() throws Exception {
        Path state = stateDir();
        JournalFile file = new JournalFile(state, "sa", "");
        file.checkBeforeOpening();
        JournalDatabase db = open(file);
        db.write(c -> JournalDatabase.update(c, "INSERT INTO prompt_file (id, name, held_path, sha256, state, job_count, "
                                                + "received_at) VALUES ('f', 'a.txt', 'held', 'x', 'open', 1, CURRENT_TIMESTAMP)"));
        db.write(c -> JournalDatabase.update(c, "INSERT INTO job (id, prompt_file_id, seq, provider, model, spec, state, "
                                                + "task_id, created_at, ended_at, updated_at) VALUES ('j', 'f', 1, 'modelscope', "
                                                + "'m', '{}', 'failed', '7', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"));
        Path older = Files.copy(file.file(), state.resolve("older.mv.db"));
        long before = db.changes();
        file.recordWatermark(db.changes());

        // a retry of the failed job, then a kill before the next watermark: the job has no task and no end any more
        db.write(c -> JournalDatabase.update(c, "UPDATE job SET state = 'queued', task_id = NULL, ended_at = NULL "
                                                + "WHERE id = 'j'"));
        assertThat(db.changes()).as("every committed change counts").isEqualTo(before + 1);
        file.checkBeforeOpening();

        // the journal as it was one change ago, put back in its place
        file.recordWatermark(db.changes());
        Files.copy(older, file.file(), StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(file::checkBeforeOpening).isInstanceOf(JournalFile.JournalDamaged.class)
                .hasMessageContaining("holds less than promptrelay last saw in it")
                .hasMessageContaining(before + " committed change(s), where it saw " + (before + 1));
    }

    @Test
    void aWatermarkOfRowCountsFromBeforeIsStillHonoured() throws Exception {
        Path state = stateDir();
        JournalFile file = new JournalFile(state, "sa", "");
        JournalDatabase db = open(file);
        db.write(c -> JournalDatabase.update(c, "INSERT INTO prompt_file (id, name, held_path, sha256, state, job_count, "
                                                + "received_at) VALUES ('f', 'a.txt', 'held', 'x', 'open', 0, CURRENT_TIMESTAMP)"));
        Files.writeString(state.resolve("journal.watermark"), "prompt-files=1\ntasks=0\nended=0\noutputs=0\n");
        file.checkBeforeOpening();
        Files.writeString(state.resolve("journal.watermark"), "prompt-files=2\ntasks=0\nended=0\noutputs=0\n");
        assertThatThrownBy(file::checkBeforeOpening).isInstanceOf(JournalFile.JournalDamaged.class)
                .hasMessageContaining("where it saw 2 prompt file(s)");
    }

    private static Path stateDir() throws java.io.IOException {
        return Files.createTempDirectory(Files.createDirectories(Path.of("target", "test-runs").toAbsolutePath()),
                "watermark-");
    }

    /** The journal as the application opens it, without Camel: each write commits on its own. */
    private static JournalDatabase open(JournalFile file) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(file.url());
        dataSource.setUser("sa");
        return new JournalDatabase(dataSource, null);
    }
}
