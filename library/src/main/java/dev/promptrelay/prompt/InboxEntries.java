package dev.promptrelay.prompt;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static dev.promptrelay.output.FileNames.quoted;

/**
 * What the inbox holds. Camel's file consumer is shown only plain files the inbox holds itself, under names that can
 * be used ({@link #accept}); everything else a user may be waiting on is swept to failed/ unread, with an error file
 * saying why ({@link #sweep}): symbolic links (whatever they point to, so nothing outside the inbox is ever read),
 * pipes and other special files, hidden names, and names the system cannot spell. Temporary names that writers use
 * while a file is not complete ({@code .name.part}, {@code .name.tmp}, editor swap and lock files) are left alone,
 * and so are subfolders (they hold input pictures).
 */
public class InboxEntries implements GenericFileFilter<File> {

    private static final Logger LOG = LoggerFactory.getLogger(InboxEntries.class);
    /** The lock file by which an installation holds its inbox (dev.promptrelay.InboxLock): left alone. */
    public static final String INBOX_LOCK = ".promptrelay-inbox.lock";

    private final Path inbox;
    private final PromptFiles promptFiles;
    private final long settleMillis;
    /** Entries that could not be moved, so each is logged once, not at every sweep. */
    private final Set<String> unmovable = new HashSet<>();
    private final OpenWriters openWriters;
    /** Files left in the inbox because a process still writes them, so each is logged once. */
    private final Set<String> waitingForWriter = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public InboxEntries(Path inbox, PromptFiles promptFiles, long settleMillis) {
        this.inbox = inbox;
        this.promptFiles = promptFiles;
        this.settleMillis = settleMillis;
        this.openWriters = new OpenWriters(inbox);
    }

    /** For Camel's file consumer: a plain file under a usable name, nothing else. */
    @Override
    public boolean accept(GenericFile<File> file) {
        if (file.isDirectory()) {
            return false;
        }
        Path path = file.getFile().toPath();
        String name = path.getFileName().toString();
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (whyNotRead(path, name, attributes) != null || isTemporary(name)) {
                return false;
            }
            // a file its writer still holds open is left for a later poll, so the read lock does not wait on it
            return !writerHolds(path, name, 0, attributes.lastModifiedTime().toMillis());
        } catch (IOException e) {
            // gone, or a name that cannot be spelled: the sweep sees it as it really is
            return false;
        }
    }

    /**
     * Whether a process on this machine still holds the file open for writing, looked at the moment it would be
     * taken: its writer paused, however long, and the file is taken once it is closed.
     */
    public boolean stillWritten(File file) {
        // a look that started after the file's last change: it sees a writer that holds it open since
        // (a file server's clock ahead of this one's cannot ask for a look from the future)
        long modified = file.lastModified();
        return writerHolds(file.toPath(), file.getName(), Math.min(modified + 1, System.currentTimeMillis()), modified);
    }

    private boolean writerHolds(Path path, String name, long notBefore, long modified) {
        java.util.OptionalLong writer = openWriters.writerOf(path, notBefore);
        if (writer.isEmpty()) {
            waitingForWriter.remove(name);
            return false;
        }
        // said once it is still longer than the settle time: a writer at work is not news
        if (modified <= System.currentTimeMillis() - settleMillis && waitingForWriter.add(name)) {
            String command = OpenWriters.commandOf(writer.getAsLong());
            LOG.info("{} is still open for writing (process {}{}), though it has not changed for {} ms: it is "
                     + "taken once its writer closes it", quoted(name), writer.getAsLong(),
                    command.isEmpty() ? "" : ", " + command, settleMillis);
        }
        return true;
    }

    /** Moves to failed/ everything in the inbox that will never be read as a prompt file. */
    public int sweep() throws IOException {
        if (!Files.isDirectory(inbox)) {
            return 0;
        }
        int moved = 0;
        Set<String> seen = new HashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(inbox)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    continue;
                }
                String problem = whyNotRead(entry, name, attributes);
                if (problem == null || attributes.isRegularFile() && isTemporary(name)
                    || attributes.isRegularFile() && isYoung(attributes)) {
                    continue;
                }
                seen.add(name);
                try {
                    promptFiles.failUnread(entry, name, problem, fixFor(attributes, name));
                    moved++;
                } catch (IOException e) {
                    if (unmovable.add(name)) {
                        LOG.error("{} in the inbox is never read ({}) and could not be moved to failed/: {}",
                                quoted(name), problem, e.toString());
                    }
                }
            }
        }
        unmovable.retainAll(seen);
        return moved;
    }

    /** Null for a file Camel may take; otherwise why it is never read. */
    private String whyNotRead(Path entry, String name, BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return null;
        }
        if (attributes.isSymbolicLink()) {
            return "it is a symbolic link; promptrelay never reads what a link in the inbox points to";
        }
        if (!attributes.isRegularFile()) {
            return "it is not a regular file (a pipe, socket or device)";
        }
        if (name.startsWith(".")) {
            return isTemporary(name) || name.equals(INBOX_LOCK) ? null : "its name starts with a dot, which marks hidden files";
        }
        if (name.endsWith(".camelLock")) {
            return "its name ends in .camelLock, which Camel keeps for its own lock files";
        }
        if (!Files.exists(inbox.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
            // the bytes of its name are not valid in the system's encoding: no path spelled from it reaches it
            return "its name is not valid text in the system's encoding, so it cannot be opened by name";
        }
        return null;
    }

    private static String fixFor(BasicFileAttributes attributes, String name) {
        if (attributes.isSymbolicLink()) {
            return "copy the file itself into the inbox (cp -L), not a link to it";
        }
        if (!attributes.isRegularFile()) {
            return "drop plain files only";
        }
        return "rename it to a plain name such as prompts.txt and drop it into the inbox again";
    }

    /** A name a writer uses while the file is not complete yet; it is renamed when done. */
    static boolean isTemporary(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.startsWith(".") && (lower.endsWith(".part") || lower.endsWith(".tmp") || lower.endsWith(".swp")
                                         || lower.startsWith(".#") || lower.startsWith(".~lock."));
    }

    /** Changed within the settle time: its writer may still be at it. */
    private boolean isYoung(BasicFileAttributes attributes) {
        return attributes.lastModifiedTime().toMillis() > System.currentTimeMillis() - settleMillis;
    }
}
