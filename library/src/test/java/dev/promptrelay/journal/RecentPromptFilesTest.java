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
 * also when several were received in the same instant; a text search looks through a window of requests a page and
 * pages on to the oldest match.
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

    @Test
    void aTextSearchLooksThroughAWindowAPageAndPagesOnToEveryMatch() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:search-window;DB_CLOSE_DELAY=-1");
        JournalDatabase db = new JournalDatabase(dataSource, null);
        PromptFileJournal journal = new PromptFileJournal(db, new JobJournal(db, Map.of("modelscope", 4)));
        int files = PromptFileJournal.SEARCH_WINDOW * 2 + 10;
        List<String> matching = new ArrayList<>();
        for (int i = 1; i <= files; i++) {
            // the oldest, one just beyond the first window, and the newest hold the word
            String prompt = i == 1 || i == files - PromptFileJournal.SEARCH_WINDOW - 5 || i == files
                    ? "a Lighthouse at dusk " + i : "a field " + i;
            String id = journal.acceptPromptFile("f" + i + ".txt", "x/f" + i + ".txt", "0",
                    List.of(JobSpec.ofPrompt(prompt, "modelscope", "m", 1))).id();
            if (prompt.contains("Lighthouse")) {
                matching.add(0, id);
            }
        }
        List<String> found = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String before = null;
        for (int page = 0; page < 10; page++) {
            PromptFileJournal.Page answer = journal.recentPromptFiles(50, before, null, "lighthouse");
            answer.files().forEach(r -> found.add(r.id()));
            pageSizes.add(answer.files().size());
            before = answer.next();
            if (before == null) {
                break;
            }
        }
        assertThat(before).as("the search came to the end of the history").isNull();
        assertThat(found).as("every match once, newest first, in any case").containsExactlyElementsOf(matching);
        assertThat(pageSizes).as("one window a page").hasSize(3).containsExactly(1, 1, 1);
    }
}
