package dev.promptrelay.prompt;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Which files of a folder some process on this machine holds open for writing, read from Linux's {@code /proc}: a
 * prompt file whose writer keeps it open is not complete, however long it has been still (a writer that paused). Only
 * the processes this one may look into are seen (its own user's, or all when it runs as root); elsewhere, and for
 * writers on other machines of a network file system, nothing is seen and the settle time alone decides.
 */
public class OpenWriters {

    private static final Path PROC = Path.of("/proc");
    /** One look serves every file of the inbox's polls for this long: a look reads every process's descriptors. */
    private static final long FRESH_MILLIS = 500;

    private final Path folder;
    private final boolean available;
    private Map<Path, Long> writers = Map.of();
    /** When the last look started (epoch millis). */
    private long lookedAt;

    public OpenWriters(Path folder) {
        this.folder = folder;
        this.available = Files.isDirectory(PROC.resolve("self").resolve("fd"));
    }

    /**
     * The process that holds this file open for writing, or empty when none that can be seen does.
     *
     * @param notBefore the answer comes from a look that started at this time (epoch millis) or later: a look started
     *                  after a file's last change sees a writer that still holds it open since then
     */
    public synchronized java.util.OptionalLong writerOf(Path file, long notBefore) {
        if (!available) {
            return java.util.OptionalLong.empty();
        }
        if (lookedAt < notBefore || lookedAt < System.currentTimeMillis() - FRESH_MILLIS) {
            lookedAt = System.currentTimeMillis();
            writers = look();
        }
        Long pid = writers.get(real(file));
        return pid == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(pid);
    }

    /** The command line of a process, for the log; empty when it cannot be read. */
    public static String commandOf(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().command()).map(c -> Path.of(c).getFileName().toString())
                .orElse("");
    }

    /** Every file in the folder open for writing, with a process that has it so. */
    private Map<Path, Long> look() {
        Path realFolder = real(folder);
        Map<Path, Long> found = new HashMap<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, OpenWriters::isProcess)) {
            for (Path process : processes) {
                // this process too: an application that embeds promptrelay may write into the inbox itself
                lookInto(process, Long.parseLong(process.getFileName().toString()), realFolder, found);
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            // /proc cannot be listed (a hardened system), or not to its end: what was seen so far counts
            return found;
        }
        return found;
    }

    private static void lookInto(Path process, long pid, Path realFolder, Map<Path, Long> found) {
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path descriptor : descriptors) {
                Path target;
                try {
                    target = Files.readSymbolicLink(descriptor);
                } catch (IOException | UnsupportedOperationException e) {
                    // closed meanwhile
                    continue;
                }
                if (target.startsWith(realFolder) && writing(process, descriptor.getFileName().toString())) {
                    found.putIfAbsent(target, pid);
                }
            }
        } catch (IOException | SecurityException | java.nio.file.DirectoryIteratorException e) {
            // another user's process (without root), or one that ended while its descriptors were listed: not seen
        }
    }

    /** Whether a descriptor was opened for writing: the access mode in its flags is O_WRONLY or O_RDWR. */
    private static boolean writing(Path process, String descriptor) {
        try {
            for (String line : Files.readAllLines(process.resolve("fdinfo").resolve(descriptor))) {
                if (line.startsWith("flags:")) {
                    return (Integer.parseInt(line.substring(6).strip(), 8) & 3) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // closed meanwhile, or a kernel that says it otherwise: not counted as a writer
        }
        return false;
    }

    private static boolean isProcess(Path entry) {
        String name = entry.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}
