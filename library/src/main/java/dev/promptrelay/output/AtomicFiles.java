package dev.promptrelay.output;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Writes files so that a reader never sees a partial one: a hidden temporary file in the same folder, flushed to
 * disk, then renamed into place.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /** What was written: where, how many bytes, and their SHA-256. */
    public record Written(Path path, long bytes, String sha256) {
    }

    /**
     * The disk refused what was being written (full, read-only, gone): the folder's fault, not the content's. Reading
     * the content fails with a plain IOException instead.
     */
    public static final class WriteFailed extends IOException {
        public WriteFailed(Path target, IOException cause) {
            super("could not write " + target + ": " + cause, cause);
        }
    }

    /** Writes the file, replacing what the target held. */
    public static Written write(Path target, InputStream content) throws IOException {
        return write(target, content, true);
    }

    /**
     * Writes the file under a name nothing else has: when the target exists already, it is left as it is and
     * {@link java.nio.file.FileAlreadyExistsException} is thrown.
     */
    public static Written publish(Path target, InputStream content) throws IOException {
        return write(target, content, false);
    }

    private static Written write(Path target, InputStream content, boolean replace) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".part");
        MessageDigest sha256 = sha256();
        long bytes = 0;
        try {
            OutputStream out;
            try {
                folder(target.getParent());
                out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW);
            } catch (IOException e) {
                throw new WriteFailed(target, e);
            }
            try {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = content.read(buffer)) >= 0; ) {
                    sha256.update(buffer, 0, n);
                    try {
                        out.write(buffer, 0, n);
                    } catch (IOException e) {
                        throw new WriteFailed(target, e);
                    }
                    bytes += n;
                }
            } catch (IOException | RuntimeException e) {
                closeAfterFailure(out, e);
                throw e;
            }
            try {
                out.close();
            } catch (IOException e) {
                throw new WriteFailed(target, e);
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            } catch (IOException e) {
                throw new WriteFailed(target, e);
            }
            if (replace) {
                try {
                    move(temp, target);
                } catch (IOException e) {
                    throw new WriteFailed(target, e);
                }
            } else {
                publishWithoutReplacing(temp, target);
            }
        } catch (IOException | RuntimeException e) {
            // a folder that refused the write may refuse even a look for what it left: the first failure is the one
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return new Written(target, bytes, HexFormat.of().formatHex(sha256.digest()));
    }

    private static void closeAfterFailure(OutputStream out, Exception failure) {
        try {
            out.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** A hard link is made only where the name is free; a file system without them gets a checked rename. */
    private static void publishWithoutReplacing(Path temp, Path target) throws IOException {
        try {
            Files.createLink(target, temp);
            Files.delete(temp);
            return;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | IOException e) {
            // no hard links here: fall through to a rename, checked first
        }
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.FileAlreadyExistsException(target.toString());
        }
        try {
            move(temp, target);
        } catch (IOException e) {
            throw new WriteFailed(target, e);
        }
    }

    /**
     * Temporary files a stopped or failed write of this target left behind.
     *
     * @throws WriteFailed when the folder cannot be listed or cleaned (permissions, a lost mount): its fault
     */
    public static void removeStaleTemps(Path target) throws IOException {
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        String prefix = "." + target.getFileName() + ".";
        try (java.nio.file.DirectoryStream<Path> temps = Files.newDirectoryStream(dir,
                p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(".part"))) {
            for (Path temp : temps) {
                Files.deleteIfExists(temp);
            }
        } catch (java.nio.file.DirectoryIteratorException e) {
            throw new WriteFailed(target, e.getCause());
        } catch (IOException e) {
            throw new WriteFailed(target, e);
        }
    }

    /**
     * Whether the file is there, told apart from whether it can be looked at: a folder that cannot be read (no
     * permission, a lost mount) is no answer, and says so with {@link WriteFailed}.
     */
    public static boolean present(Path file) throws WriteFailed {
        try {
            Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return true;
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new WriteFailed(file, e);
        }
    }

    public static Written write(Path target, byte[] content) throws IOException {
        return write(target, new java.io.ByteArrayInputStream(content));
    }

    /**
     * Makes the folder unless it is there: a folder that is there costs one look, where createDirectories throws and
     * catches two exceptions inside (once for every file written, it showed in profiles). A folder below one of the
     * {@link #neverRecreate roots} is made only while that root is there.
     */
    public static void folder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            for (Path root : ROOTS) {
                if (dir.startsWith(root) && !Files.isDirectory(root)) {
                    throw new java.nio.file.NoSuchFileException(root.toString(), null, "the folder is not there (an "
                            + "unmounted share, a folder moved or deleted); promptrelay made it at start and does not "
                            + "make it again while it runs, since what it wrote there would be hidden once the share "
                            + "is back");
                }
            }
            Files.createDirectories(dir);
        }
    }

    private static final java.util.Set<Path> ROOTS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Folders made at start that are never made again while promptrelay runs (the inbox, outbox, archive, failed/ and
     * the shared folder): one that goes away is waited for, not replaced by an empty one where a share was mounted.
     */
    public static void neverRecreate(Path root) {
        ROOTS.add(root.toAbsolutePath().normalize());
    }

    /** Moves a file in one step where the file system allows it. */
    public static void move(Path from, Path to) throws IOException {
        folder(to.getParent());
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** {@code dir/base.ext}, or {@code dir/base-2.ext}, {@code -3}... when taken: nothing is ever overwritten. */
    public static Path unusedPath(Path dir, String base, String extension) {
        String suffix = extension.isEmpty() ? "" : "." + extension;
        Path candidate = dir.resolve(base + suffix);
        for (int n = 2; Files.exists(candidate) || Files.exists(sidecarOf(candidate)); n++) {
            candidate = dir.resolve(base + "-" + n + suffix);
        }
        return candidate;
    }

    /** What a file already written holds: its size and SHA-256. */
    public static Written measure(Path file) throws IOException {
        return new Written(file, Files.size(file), sha256Of(file));
    }

    public static Path sidecarOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".json");
    }

    public static String sha256Of(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256Of(in);
        }
    }

    public static String sha256Of(InputStream in) throws IOException {
        MessageDigest sha256 = sha256();
        try (DigestOutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha256)) {
            in.transferTo(out);
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
