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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One promptrelay per state directory: a second one would share the journal and the held files with the first, and
 * take the first one's work under way for its own, left by a crash. The lock is the system's, so a process that dies
 * (even by kill -9) leaves it free. Within one process, Camel contexts side by side (Spring keeps its test contexts
 * running, one per set of test settings) cannot tell each other's work from a crash's leftovers either: a context
 * that finds its state directory held by another running context of this process takes a sibling of its own
 * ({@code state-2}, ...), and says so.
 */
final class StateDirectoryLock extends ServiceSupport {

    /** The locks this process holds, by lock file, with the Camel context each is for. */
    private static final Map<Path, CamelContext> HELD = new ConcurrentHashMap<>();
    private static final int MOST_SIBLINGS = 20;
    private static final Logger LOG = LoggerFactory.getLogger(StateDirectoryLock.class);

    private final Path stateDir;
    private final Path file;
    private final CamelContext context;
    private final FileChannel channel;
    private final FileLock lock;

    private StateDirectoryLock(Path stateDir, Path file, CamelContext context, FileChannel channel, FileLock lock) {
        this.stateDir = stateDir;
        this.file = file;
        this.context = context;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * The state directory, created and locked for this context: the one given, or a sibling of it when another running
     * context of this process holds it.
     *
     * @throws IllegalStateException in one line, naming the directory and the process that holds it
     */
    static StateDirectoryLock acquire(Path stateDir, CamelContext context) throws IOException {
        for (int n = 1; n <= MOST_SIBLINGS; n++) {
            Path dir = n == 1 ? stateDir : stateDir.resolveSibling(stateDir.getFileName() + "-" + n);
            CamelContext holder = runningHolder(dir, context);
            if (holder == null) {
                StateDirectoryLock acquired = acquireHere(dir, context);
                if (n > 1) {
                    LOG.warn("The state directory {} is in use by another Camel context of this process ('{}'): this "
                             + "one ('{}') keeps its journal in {} instead. Give each Camel context a "
                             + "promptrelay.state-dir of its own to choose where", stateDir,
                            runningHolder(stateDir, context).getName(), context.getName(), dir);
                }
                return acquired;
            }
        }
        throw new IllegalStateException("the state directory " + stateDir + " and its " + (MOST_SIBLINGS - 1)
                                        + " siblings are in use by other Camel contexts of this process: give each a "
                                        + "promptrelay.state-dir of its own");
    }

    Path stateDir() {
        return stateDir;
    }

    /** The other Camel context of this process that runs promptrelay on this directory, if any. */
    private static CamelContext runningHolder(Path dir, CamelContext context) {
        CamelContext holder = HELD.get(dir.resolve("promptrelay.lock"));
        return holder != null && holder != context && (holder.isStarted() || holder.isStarting()) ? holder : null;
    }

    private static StateDirectoryLock acquireHere(Path stateDir, CamelContext context) throws IOException {
        Files.createDirectories(stateDir);
        Path file = stateDir.resolve("promptrelay.lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // a context of this process that failed to start and was never stopped: the lock still keeps other
            // processes out, and is released when this one ends
            channel.close();
            HELD.put(file, context);
            return new StateDirectoryLock(stateDir, file, context, null, null);
        }
        if (lock == null) {
            String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
            channel.close();
            throw new IllegalStateException("another promptrelay is running on the state directory " + stateDir
                                            + (holder.isEmpty() ? "" : " (process " + holder + ")") + ": stop it first, or "
                                            + "give this one a promptrelay.state-dir of its own");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(String.valueOf(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
        HELD.put(file, context);
        return new StateDirectoryLock(stateDir, file, context, channel, lock);
    }

    @Override
    protected void doStop() throws IOException {
        HELD.remove(file, context);
        if (lock != null && lock.isValid()) {
            lock.release();
        }
        if (channel != null) {
            channel.close();
        }
    }
}
