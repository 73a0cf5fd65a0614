package dev.promptrelay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

/**
 * One promptrelay per state directory: a second one would share the journal and the held files with the first, and
 * take the first one's work under way for its own, left by a crash. The lock is the system's, so a process that dies
 * (even by kill -9) leaves it free; within one process (Camel contexts side by side, as Spring's test contexts are)
 * the Camel context holding it is known.
 */
final class StateDirectoryLock extends ServiceSupport {

    /** The locks this process holds, by lock file, with the Camel context each is for. */
    private static final Map<Path, CamelContext> HELD = new ConcurrentHashMap<>();

    private final Path file;
    private final CamelContext context;
    private final FileChannel channel;
    private final FileLock lock;

    private StateDirectoryLock(Path file, CamelContext context, FileChannel channel, FileLock lock) {
        this.file = file;
        this.context = context;
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws IllegalStateException in one line, naming the directory and the process or context that holds it */
    static StateDirectoryLock acquire(Path stateDir, CamelContext context) throws IOException {
        Path file = stateDir.resolve("promptrelay.lock").toAbsolutePath().normalize();
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            channel.close();
            CamelContext holder = HELD.get(file);
            if (holder != null && holder != context && (holder.isStarted() || holder.isStarting())) {
                throw new IllegalStateException("another promptrelay in this process (Camel context '"
                                                + holder.getName() + "') is running on the state directory " + stateDir
                                                + ": give each Camel context a promptrelay.state-dir of its own (in "
                                                + "Spring Boot tests, each set of test properties is a context of its "
                                                + "own, kept running beside the others)");
            }
            // a context of this process that failed to start and was never stopped: the lock still keeps other
            // processes out, and is released when this one ends
            HELD.put(file, context);
            return new StateDirectoryLock(file, context, null, null);
        }
        if (lock == null) {
            String holder = new String(java.nio.file.Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
            channel.close();
            throw new IllegalStateException("another promptrelay is running on the state directory " + stateDir
                                            + (holder.isEmpty() ? "" : " (process " + holder + ")") + ": stop it first, or "
                                            + "give this one a promptrelay.state-dir of its own");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(String.valueOf(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
        HELD.put(file, context);
        return new StateDirectoryLock(file, context, channel, lock);
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
