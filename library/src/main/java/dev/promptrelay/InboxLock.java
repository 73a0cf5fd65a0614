package dev.promptrelay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

/**
 * An inbox belongs to one installation: one embedded journal, or the nodes of one cluster sharing one PostgreSQL. Two
 * installations on one inbox would split its files between them silently, each showing half in its API and gallery,
 * and together exceed a provider's max-concurrent. The lock is a file in the inbox that the inbox never takes: held
 * exclusively by an installation with an embedded journal, shared by the nodes of a cluster (each node holds it
 * shared; an embedded one then cannot take it, nor can it be taken shared while an embedded one holds it).
 */
final class InboxLock extends ServiceSupport {

    /** The lock file's name in the inbox; the inbox leaves it alone. */
    static final String FILE = dev.promptrelay.prompt.InboxEntries.INBOX_LOCK;
    private static final Map<Path, CamelContext> HELD = new ConcurrentHashMap<>();

    private final Path file;
    private final CamelContext context;
    private final FileChannel channel;
    private final FileLock lock;

    private InboxLock(Path file, CamelContext context, FileChannel channel, FileLock lock) {
        this.file = file;
        this.context = context;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @param cluster whether this installation is a node of a cluster (its journal on a database server)
     * @throws IllegalStateException in one line, naming the inbox, who watches it and what to set
     */
    static InboxLock acquire(Path inbox, Path stateDir, boolean cluster, CamelContext context) throws IOException {
        Path file = inbox.resolve(FILE).toAbsolutePath().normalize();
        CamelContext holder = HELD.get(file);
        if (holder != null && holder != context && (holder.isStarted() || holder.isStarting())) {
            throw refused(inbox, "another Camel context of this process ('" + holder.getName() + "')");
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock(0, Long.MAX_VALUE, cluster);
        } catch (OverlappingFileLockException e) {
            // a context of this process that failed to start and was never stopped holds it: it keeps others out
            channel.close();
            HELD.put(file, context);
            return new InboxLock(file, context, null, null);
        }
        if (lock == null) {
            String holderText = cluster ? "" : new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
            channel.close();
            throw refused(inbox, holderText.isEmpty() ? "another promptrelay" : "another promptrelay (" + holderText + ")");
        }
        if (!cluster) {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("process " + ProcessHandle.current().pid() + ", state directory " + stateDir)
                    .getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        HELD.put(file, context);
        return new InboxLock(file, context, channel, lock);
    }

    private static IllegalStateException refused(Path inbox, String who) {
        return new IllegalStateException("the inbox " + inbox + " is watched by " + who + ": an inbox belongs to one "
                                         + "installation (one embedded journal, or one cluster of nodes on one "
                                         + "PostgreSQL with one promptrelay.shared-dir). Give this one a "
                                         + "promptrelay.inbox of its own, or run it as a node of the other's cluster");
    }

    @Override
    protected void doStop() throws IOException {
        HELD.remove(file, context);
        if (lock != null && lock.isValid()) {
            if (!lock.isShared()) {
                // the inbox is the user's: its sole holder leaves nothing behind (the nodes of a cluster share it)
                Files.deleteIfExists(file);
            }
            lock.release();
        }
        if (channel != null) {
            channel.close();
        }
    }
}
