package sample.camel;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The repackaged application run as its users run it, settings on the command line: the poster of the day is made at
 * start and lands where the arguments say, and Actuator reports promptrelay's health over HTTP.
 */
class RunningJarIT {

    private static final Pattern PORT = Pattern.compile("Tomcat started on port (?:\\(s\\): )?(\\d+)");

    @Test
    void theJarMakesThePosterOfTheDayAndReportsPromptrelaysHealth() throws Exception {
        Path run = Files.createDirectories(Path.of("target", "jar-run").toAbsolutePath());
        Path outbox = run.resolve("outbox");
        Path log = run.resolve("app.log");
        Process app = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("application.jar"), "--server.port=0", "--server.address=127.0.0.1",
                "--promptrelay.outbox=" + outbox, "--promptrelay.state-dir=" + run.resolve("state"),
                "--promptrelay.archive=" + run.resolve("archive"), "--promptrelay.failed=" + run.resolve("failed")))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(Duration.ofMinutes(2)).until(() -> Runs.pngs(outbox) > 0 || !app.isAlive());
            assertThat(app.isAlive()).as(() -> "the application ended: " + read(log)).isTrue();
            int port = await().atMost(Duration.ofMinutes(1)).until(() -> port(log), Optional::isPresent).orElseThrow();
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.body()).as(health.body()).contains("\"promptrelay\":{\"status\":\"UP\"");
        } finally {
            app.destroy();
            assertThat(app.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        }
    }

    private static Optional<Integer> port(Path log) {
        Matcher m = PORT.matcher(read(log));
        return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(the log cannot be read: " + e + ")";
        }
    }
}
