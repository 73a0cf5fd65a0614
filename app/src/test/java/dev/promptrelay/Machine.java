package dev.promptrelay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a test does to the machine the way a user's system would: folders made read-only (the immutable flag when the
 * tests run as root, who ignores permissions; the permissions otherwise) or full (a small tmpfs, root only), and
 * commands such as mkfifo.
 */
final class Machine {

    private Machine() {
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    static void readOnly(Path folder, boolean readOnly) throws IOException, InterruptedException {
        if (isRoot()) {
            run("chattr", readOnly ? "+i" : "-i", folder.toString());
        } else {
            assertThat(folder.toFile().setWritable(!readOnly, false)).as("permissions of " + folder).isTrue();
        }
    }

    /** Mounts a tmpfs of this many KB on the folder; false where this user may not mount. */
    static boolean mountSmallDisk(Path folder, int kilobytes) throws IOException, InterruptedException {
        if (!isRoot()) {
            return false;
        }
        Process process = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + kilobytes + "k", "tmpfs",
                folder.toString()).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor() == 0;
    }

    static void unmount(Path folder) throws IOException, InterruptedException {
        run("umount", folder.toString());
    }

    /** Runs a command of the system, as a user's shell would; fails the test when it fails. */
    static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
    }
}
