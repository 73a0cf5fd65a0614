package dev.promptrelay;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import dev.promptrelay.journal.PromptFileJournal;
import dev.promptrelay.prompt.PromptFiles;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --once}: what is in the inbox now is processed, and whatever was under way at the last stop finished; then
 * promptrelay exits, 0 when every prompt file was archived, 1 when any went to failed/. No servers, no schedules:
 * it may run beside nothing else and is done when its files are.
 */
final class OnceRun {

    private static final Logger LOG = LoggerFactory.getLogger(OnceRun.class);
    private static final long LOOK_EVERY_MILLIS = 250;

    private OnceRun() {
    }

    static void prepare(Main main) {
        main.addOverrideProperty("camel.server.enabled", "false");
        main.addOverrideProperty("camel.management.enabled", "false");
        main.addOverrideProperty("promptrelay.schedules.enabled", "false");
        main.addOverrideProperty("promptrelay.inbox.enabled", "true");
    }

    /** Waits until the inbox is empty and no prompt file is held, then says how it went. */
    static int awaitOutcome(Main main) throws InterruptedException, IOException {
        CamelContext context = main.getCamelContext();
        PromptFiles promptFiles = context.getRegistry().lookupByNameAndType("promptFiles", PromptFiles.class);
        PromptFileJournal journal = context.getRegistry().lookupByNameAndType("promptFileJournal", PromptFileJournal.class);
        Folders folders = context.getRegistry().lookupByNameAndType(PromptRelayConfiguration.FOLDERS, Folders.class);
        while (!done(folders, journal)) {
            // a command-line run waiting for its files: there is no route to hand this wait to
            Thread.sleep(LOOK_EVERY_MILLIS);
        }
        PromptFiles.Outcomes outcomes = promptFiles.outcomesSinceStart();
        LOG.info("--once: {} prompt file(s) archived, {} in failed/", outcomes.archived(), outcomes.failed());
        return outcomes.failed() == 0 ? 0 : 1;
    }

    private static boolean done(Folders folders, PromptFileJournal journal) throws IOException {
        return !holdsPromptFiles(folders.inbox()) && isEmpty(folders.incoming()) && journal.heldFiles().isEmpty();
    }

    /** Anything in the inbox that will be taken or swept to failed/: all but folders, temporary names and its lock. */
    private static boolean holdsPromptFiles(Path inbox) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(inbox)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                boolean temporary = name.startsWith(".") && (name.endsWith(".part") || name.endsWith(".tmp"));
                boolean ownLock = name.equals(dev.promptrelay.prompt.InboxEntries.INBOX_LOCK);
                if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) && !temporary && !ownLock) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }
}
