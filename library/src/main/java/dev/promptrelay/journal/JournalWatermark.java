package dev.promptrelay.journal;

import java.io.IOException;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded journal's watermark current: once a second (a timer route) and once more at stop. A journal on a
 * database server of its own has none: that server answers for its data.
 */
public class JournalWatermark extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(JournalWatermark.class);

    private final JournalFile file;
    private final JournalDatabase journal;

    /** @param file the embedded journal's file, or null for a journal elsewhere */
    public JournalWatermark(JournalFile file, JournalDatabase journal) {
        this.file = file;
        this.journal = journal;
    }

    /** Whether the journal's file was found deleted under the running journal (said once). */
    private volatile boolean deletedSaid;

    public void record() throws IOException {
        if (file != null) {
            if (!file.present() && !deletedSaid) {
                deletedSaid = true;
                LOG.error("The journal file {} was deleted while promptrelay runs (its state directory removed?). The "
                          + "journal goes on in memory: stop promptrelay cleanly (Ctrl+C, kill, never kill -9) and it "
                          + "is written back at stop; a crash before that loses this run's record of its jobs",
                        file.file());
            }
            file.recordWatermark(journal.changes());
        }
    }

    @Override
    protected void doStop() {
        try {
            record();
        } catch (IOException | RuntimeException e) {
            LOG.warn("The journal's watermark could not be written at stop: {}", e.toString());
        }
    }
}
