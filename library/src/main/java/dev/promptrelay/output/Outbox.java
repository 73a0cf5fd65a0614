package dev.promptrelay.output;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the outbox can take files. Once a write into it fails (read-only, full, gone), results are kept in the
 * state directory instead of being downloaded into it, and the outbox is tried again now and then with a small
 * probe file, until it takes one: then the kept results move in.
 */
public class Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    /** A probe writes this much: an outbox with less room than that is full for any real result. */
    private static final int PROBE_BYTES = 64 * 1024;
    private static final Duration PROBE_EVERY = Duration.ofSeconds(2);

    private final Path folder;
    private final Path staged;
    private final Clock clock;
    private volatile String problem;
    private volatile Instant nextProbe = Instant.MIN;

    public Outbox(Path folder, Path staged, Clock clock) {
        this.folder = folder;
        this.staged = staged;
        this.clock = clock;
    }

    /** True when the last write went through, or a probe now does. */
    public synchronized boolean writable() {
        if (problem == null) {
            return true;
        }
        Instant now = clock.instant();
        if (now.isBefore(nextProbe)) {
            return false;
        }
        nextProbe = now.plus(PROBE_EVERY);
        Path probe = folder.resolve(".promptrelay-probe.part");
        try {
            try (OutputStream out = Files.newOutputStream(probe, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.SYNC)) {
                out.write(new byte[PROBE_BYTES]);
            }
            Files.delete(probe);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // it could not be made either: nothing to remove
            }
            return false;
        }
        LOG.info("The outbox {} can be written again; results kept in {} move in now", folder, staged);
        problem = null;
        return true;
    }

    /** A write into the outbox failed: from now on results wait in the state directory. */
    public synchronized void refused(IOException cause) {
        String answer = cause.getCause() != null ? cause.getCause().toString() : cause.toString();
        if (problem == null) {
            LOG.warn("The outbox {} cannot be written ({}): results are kept in {} and written into the outbox once "
                     + "it can take them; nothing has to be generated again. {}", folder, answer, staged,
                    java.nio.file.Files.isDirectory(folder) ? "Free space or fix its permissions."
                            : "Mount the share it is on, or make the folder again.");
        }
        problem = answer;
        nextProbe = clock.instant().plus(PROBE_EVERY);
    }

    /** Null while the outbox takes files; otherwise what its last write answered. */
    public String problem() {
        return problem;
    }

    public Path folder() {
        return folder;
    }

    public Path staged() {
        return staged;
    }
}
