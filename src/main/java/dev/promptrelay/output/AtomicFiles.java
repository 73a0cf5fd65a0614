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

    public static Written write(Path target, InputStream content) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".part");
        MessageDigest sha256 = sha256();
        long bytes;
        try {
            try (OutputStream file = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW);
                 DigestOutputStream out = new DigestOutputStream(file, sha256)) {
                bytes = content.transferTo(out);
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            move(temp, target);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return new Written(target, bytes, HexFormat.of().formatHex(sha256.digest()));
    }

    public static Written write(Path target, byte[] content) throws IOException {
        return write(target, new java.io.ByteArrayInputStream(content));
    }

    /** Moves a file in one step where the file system allows it. */
    public static void move(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
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
