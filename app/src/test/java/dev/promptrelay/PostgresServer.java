package dev.promptrelay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server of the test's own: Debian's binaries (.ci/run installs the package), a fresh cluster in
 * the test's folder, on a free port of 127.0.0.1, stopped with the test. PostgreSQL will not run as root: as root,
 * it runs as the package's postgres user.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String USER = "promptrelay";
    static final String DATABASE = "postgres";

    private final Path bin;
    private final Path data;
    final int port;

    private PostgresServer(Path bin, Path data, int port) {
        this.bin = bin;
        this.data = data;
        this.port = port;
    }

    public static PostgresServer start(Path dir) throws IOException, InterruptedException {
        Path bin = binaries();
        Path home = Files.createDirectories(dir.toAbsolutePath());
        if (root()) {
            // the test's temporary folders are the owner's only: the postgres user must get through to its own
            for (Path p = home.getParent(); p != null && p.startsWith(Path.of("target").toAbsolutePath()); p = p.getParent()) {
                Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            if (!reachableByPostgres(home)) {
                // a checkout in a folder only its owner may enter: the server's files go to a temporary folder of
                // the system's, removed when it stops
                home = Files.createTempDirectory("promptrelay-postgres-");
                Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            }
            run(List.of("chown", "postgres", home.toString()), home);
        }
        Path data = home.resolve("pgdata");
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--auth=trust",
                "--encoding=UTF8", "--no-sync"), home);
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60", "-l",
                home.resolve("postgres.log").toString(), "-o",
                "-p " + port + " -k " + home + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
                "start"), home);
        return new PostgresServer(bin, data, port);
    }

    /** The folder of the server's files (its data, socket and log). */
    public Path home() {
        return data.getParent();
    }

    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** Stops the server as a crash or {@code pg_ctl stop -m immediate} would: every session cut, nothing flushed. */
    public void stopAbruptly() throws IOException, InterruptedException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-m", "immediate", "stop"),
                data.getParent());
    }

    /** Starts the stopped server again, on the same port with the same data. */
    public void startAgain() throws IOException, InterruptedException {
        Path home = data.getParent();
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60", "-l",
                home.resolve("postgres.log").toString(), "-o",
                "-p " + port + " -k " + home + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
                "start"), home);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (Files.exists(data.resolve("postmaster.pid"))) {
            stopAbruptly();
        }
        Path home = data.getParent();
        if (!home.startsWith(Path.of("target").toAbsolutePath())) {
            try (Stream<Path> files = Files.walk(home)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** Whether the postgres user may enter the folder (every folder above it lets it through). */
    private static boolean reachableByPostgres(Path folder) throws IOException, InterruptedException {
        Process probe = new ProcessBuilder("runuser", "-u", "postgres", "--", "test", "-x", folder.toString())
                .redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        return probe.waitFor() == 0;
    }

    /** Where Debian puts the server's programs: /usr/lib/postgresql/<version>/bin, the newest version. */
    private static Path binaries() throws IOException {
        Path lib = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> versions = Files.list(lib)) {
                Path newest = versions.filter(v -> Files.isExecutable(v.resolve("bin").resolve("initdb")))
                        .max(Comparator.comparing(v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))))
                        .orElse(null);
                if (newest != null) {
                    return newest.resolve("bin");
                }
            }
        }
        throw new IllegalStateException("no PostgreSQL server programs in /usr/lib/postgresql/*/bin: install Debian's "
                                        + "postgresql package (.ci/run does)");
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void run(List<String> command, Path dir) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (root() && !command.get(0).equals("chown")) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process process = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", full) + " failed:\n" + new String(output, StandardCharsets.UTF_8));
        }
    }
}
