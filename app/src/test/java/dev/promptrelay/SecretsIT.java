package dev.promptrelay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs after every other test (failsafe's second execution): no log and no file the test runs produced holds an
 * API key or the Scenario key pair as it travels in a header.
 */
class SecretsIT {

    /** Larger files are sandbox video filler, written by the sandbox, not by promptrelay. */
    static final long MAX_SCANNED_BYTES = 64L * 1024 * 1024;

    @Test
    void noLogOrOutputFileOfTheTestRunsHoldsAKey() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(Path.of("target", "surefire-reports"), Path.of("target", "failsafe-reports"),
                Path.of("target", "test-runs"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    // the reports' TEST-*.xml too: keys reach the application as harness settings, never JVM-wide
                    walk.filter(Files::isRegularFile).forEach(files::add);
                }
            }
        }
        assertThat(files.stream().filter(f -> f.toString().endsWith("-output.txt")))
                .as("the test logs are there to be read").isNotEmpty();
        String basic = TestKeys.scenarioBasic().substring("Basic ".length());
        List<String> leaks = new ArrayList<>();
        for (Path file : files) {
            if (Files.size(file) > MAX_SCANNED_BYTES) {
                continue;
            }
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            if (text.contains(TestKeys.MARKER) || text.contains(basic)) {
                leaks.add(file.toString());
            }
        }
        assertThat(leaks).as("files holding a key, out of " + files.size() + " scanned").isEmpty();
    }
}
