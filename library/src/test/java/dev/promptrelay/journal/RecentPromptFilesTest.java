package dev.promptrelay.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.promptrelay.prompt.JobSpec;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Listing requests page by page, as the gallery does with {@code ?before=}: every request is listed once, newest first,
 * also when several were received in the same instant.
 */
class RecentPromptFilesTest {

    @Test
    void pagesListEveryRequestOnceNewestFirst() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:recent-prompt-files;DB_CLOSE_DELAY=-1");
        JournalDatabase db = new JournalDatabase(dataSource, null);
        PromptFileJournal journal = new PromptFileJournal(db, new JobJournal(db, Map.of("modelscope", 4)));
        List<String> accepted = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            accepted.add(journal.acceptPromptFile("f" + i + ".txt", "x/f" + i + ".txt", "0",
                    List.of(JobSpec.ofPrompt("p" + i, "modelscope", "m", 1))).id());
        }
        List<String> listed = new ArrayList<>();
        String before = null;
        for (int page = 0; page < 10; page++) {
            List<PromptFileRecord> records = journal.recentPromptFiles(3, before);
            records.forEach(r -> listed.add(r.id()));
            if (records.size() < 3) {
                break;
            }
            before = records.get(records.size() - 1).id();
        }
        assertThat(listed).as("each once").doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(accepted);
        assertThat(listed).as("the same order as one listing of all")
                .containsExactlyElementsOf(journal.recentPromptFiles(10).stream().map(PromptFileRecord::id).toList());
    }
}
