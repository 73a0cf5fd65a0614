package dev.promptrelay;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The application in a JVM of its own, as users run it: its own heap limit, its own process to stop or kill. It runs
 * from the test class path with settings given as -D options, in the given working directory.
 */
final class SeparateJvm implements AutoCloseable {

    private final Process process;
    final Path log;

    private SeparateJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static SeparateJvm start(Path workingDir, List<String> jvmOptions, Map<String, String> settings) throws IOException {
        return start(workingDir, Application.class.getName(), jvmOptions, settings);
    }

    static SeparateJvm start(Path workingDir, String mainClass, List<String> jvmOptions, Map<String, String> settings)
            throws IOException {
        return start(workingDir, mainClass, jvmOptions, settings, List.of());
    }

    /** With command-line arguments after the main class, as {@code java -jar promptrelay.jar --once} gives them. */
    static SeparateJvm start(Path workingDir, String mainClass, List<String> jvmOptions, Map<String, String> settings,
                             List<String> arguments) throws IOException {
        return start(List.of(), workingDir, mainClass, jvmOptions, settings, arguments);
    }

    /**
     * As a user whom file permissions stop: root overrides them, so as root the application runs under setpriv
     * without the capabilities that do (a folder with mode 000 is then as closed to it as to anyone).
     */
    static SeparateJvm startBoundByPermissions(Path workingDir, List<String> jvmOptions, Map<String, String> settings)
            throws IOException {
        List<String> prefix = Machine.isRoot()
                ? List.of("setpriv", "--bounding-set", "-dac_override,-dac_read_search") : List.of();
        return start(prefix, workingDir, Application.class.getName(), jvmOptions, settings, List.of());
    }

    private static SeparateJvm start(List<String> prefix, Path workingDir, String mainClass, List<String> jvmOptions,
                                     Map<String, String> settings, List<String> arguments) throws IOException {
        // Ctrl+C stops it as in a terminal, even where the build runs in the background, which ignores SIGINT
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT"));
        command.addAll(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // as docs/operations.md advises for a small machine; a test's application lives a minute at most
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add(mainClass);
        command.addAll(arguments);
        Path log = workingDir.resolve("app.log");
        // appended, so a restarted application keeps one log with both runs
        Process process = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new SeparateJvm(process, log);
    }

    /** Settings from key, value pairs, with the HTTP and management servers off unless a test turns them on. */
    static Map<String, String> settings(String... pairs) {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("camel.management.enabled", "false");
        settings.put("camel.server.enabled", "false");
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            settings.put(pairs[i], pairs[i + 1]);
        }
        return settings;
    }

    /** Settings with no provider keyed (the sandbox answers), then key, value pairs of the test's own. */
    static Map<String, String> keyless(String... pairs) {
        Map<String, String> settings = settings("promptrelay.modelscope.api-key", "",
                "promptrelay.modellix.api-key", "", "promptrelay.scenario.api-key", "",
                "promptrelay.replicate.api-key", "", "promptrelay.fal.api-key", "", "promptrelay.bfl.api-key", "",
                "promptrelay.openai.api-key", "",
                "promptrelay.modelscope.scripts-config-file", "");
        settings.putAll(settings(pairs));
        return settings;
    }

    /**
     * Settings for ModelScope live (a key set) against a stand-in at this address, at most this many tasks at once, the
     * other providers off, then key, value pairs of the test's own.
     */
    static Map<String, String> liveModelScope(String baseUrl, int maxConcurrent, String... pairs) {
        Map<String, String> settings = settings("promptrelay.modelscope.base-url", baseUrl,
                "promptrelay.modelscope.api-key", TestKeys.MODELSCOPE,
                "promptrelay.modelscope.max-concurrent", String.valueOf(maxConcurrent),
                "promptrelay.modelscope.scripts-config-file", "", "promptrelay.modellix.api-key", "",
                "promptrelay.scenario.api-key", "");
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            settings.put(pairs[i], pairs[i + 1]);
        }
        return settings;
    }

    /** Kills the process the way a power cut or {@code kill -9} would: no shutdown hook, no cleanup. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    String logText() throws IOException {
        return java.nio.file.Files.readString(log);
    }

    /** The end of the log, for a failure message: the folder it is in is gone after the test. */
    String logTail(int lines) throws IOException {
        List<String> all = java.nio.file.Files.readAllLines(log);
        return "log of the application:\n" + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** The exit code once the process has ended by itself within the time given; fails the test otherwise. */
    int exitCode(java.time.Duration within) throws InterruptedException, IOException {
        if (!process.waitFor(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the application did not end within " + within + "\n" + logTail(30));
        }
        return process.exitValue();
    }

    /** Stops it as a user does (SIGTERM), and waits for it to end. */
    void stop() throws InterruptedException {
        close();
    }

    /** Stops it as Ctrl+C in its terminal would (SIGINT), and waits for it to end. */
    void interrupt() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -INT " + process.pid() + " failed");
        }
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new AssertionError("still running a minute after Ctrl+C (SIGINT):\n" + logTail(20));
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
