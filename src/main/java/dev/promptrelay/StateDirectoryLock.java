package dev.promptrelay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.apache.camel.support.service.ServiceSupport;

/**
 * One promptrelay per state directory: a second one would share the journal and the held files with the first. The
 * lock is the system's, so a process that dies (even by kill -9) leaves it free.
 */
final class StateDirectoryLock extends ServiceSupport {

    private final FileChannel channel;
    private final FileLock lock;

    private StateDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws IllegalStateException in one line, naming the directory and the process that holds it */
    static StateDirectoryLock acquire(Path stateDir) throws IOException {
        Path file = stateDir.resolve("promptrelay.lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // this very process holds it already (a context that failed to start and was not stopped): the lock keeps
            // other processes out, and is released when this one ends
            channel.close();
            return new StateDirectoryLock(null, null);
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
        return new StateDirectoryLock(channel, lock);
    }

    @Override
    protected void doStop() throws IOException {
        if (lock != null && lock.isValid()) {
            lock.release();
        }
        if (channel != null) {
            channel.close();
        }
    }
}
