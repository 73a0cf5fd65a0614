package dev.promptrelay.prompt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.List;

import dev.promptrelay.output.AtomicFiles;

/**
 * Reading a prompt file just taken from the inbox, whose writer may not be done: it is read again, after the settle
 * time, for as long as it changes, and a file that does not parse gets one more look before it is rejected (a
 * writer that paused mid-file). What is journaled is exactly what was read, with its SHA-256, so a change made after
 * that is found when the file is closed.
 */
public final class PromptFileReading {

    public static final String PROPERTY = "promptFileReading";
    /** Looks at most: a file still changing after this many settle times is not a prompt file being dropped. */
    static final int MAX_LOOKS = 60;

    private final Path file;
    private final String name;
    private final long settleMillis;
    private Snapshot last;
    private int looks;
    private boolean again = true;
    private long waitMillis;
    private String sha256;

    public PromptFileReading(Path file, String name, long settleMillis) {
        this.file = file;
        this.name = name;
        this.settleMillis = settleMillis;
    }

    /** Whether the route should look at the file once more, after {@link #getWaitMillis()}. */
    public boolean isAgain() {
        return again;
    }

    public long getWaitMillis() {
        return waitMillis;
    }

    /** The SHA-256 of the content the jobs were read from. */
    public String sha256() {
        return sha256;
    }

    public Path file() {
        return file;
    }

    public String name() {
        return name;
    }

    /**
     * One look: the jobs when the file held still since the last look, null when it should be looked at again.
     *
     * @throws PromptFileException when the file, holding still, cannot become jobs
     */
    List<JobSpec> look(PromptFileReader reader) {
        looks++;
        Snapshot now;
        List<JobSpec> jobs = null;
        PromptFileException problem = null;
        try {
            now = Snapshot.of(file, reader.maxFileBytes());
        } catch (IOException e) {
            throw new PromptFileException(name, null, null, "the file could not be read: " + e.getMessage(),
                    "check that promptrelay may read it, then drop it into the inbox again");
        }
        try {
            jobs = reader.parse(now.content(), now.size(), name);
        } catch (PromptFileException e) {
            problem = e;
        }
        boolean changed = last != null && !now.equals(last) || !now.stillMatches(file);
        last = now;
        // a file that does not parse may be one whose writer paused: one more look before it is rejected
        if (changed || problem != null && looks == 1) {
            if (looks >= MAX_LOOKS) {
                throw new PromptFileException(name, null, null, "the file was still being written "
                                                                + MAX_LOOKS * settleMillis / 1000 + " s after it was taken",
                        "write the file elsewhere (or under a name starting with a dot and ending in .part) and move "
                        + "it into the inbox once it is complete");
            }
            again = true;
            waitMillis = settleMillis;
            return null;
        }
        again = false;
        if (problem != null) {
            throw problem;
        }
        sha256 = now.sha256();
        return jobs;
    }

    /** What one look saw: the content (null when too big to read) and the file's size and time then. */
    private record Snapshot(byte[] content, long size, long modifiedNanos) {

        static Snapshot of(Path file, long maxBytes) throws IOException {
            BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            byte[] content = before.size() > maxBytes ? null : Files.readAllBytes(file);
            return new Snapshot(content, content == null ? before.size() : content.length,
                    before.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS));
        }

        /** The file still has the size and time it had when read. */
        boolean stillMatches(Path file) {
            try {
                BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                return after.size() == size
                       && after.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS) == modifiedNanos;
            } catch (IOException e) {
                return false;
            }
        }

        String sha256() {
            try {
                return AtomicFiles.sha256Of(new java.io.ByteArrayInputStream(content));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Snapshot that && size == that.size && modifiedNanos == that.modifiedNanos
                   && Arrays.equals(content, that.content);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(size) * 31 + Long.hashCode(modifiedNanos);
        }
    }
}
