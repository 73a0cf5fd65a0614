package sample.camel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application started by a test, as a user starts it with arguments: promptrelay's folders in a run folder of
 * the test's under target/, the poster routes left out (they make a poster at start).
 */
final class Runs {

    private Runs() {
    }

    static ConfigurableApplicationContext start(Path run, String... arguments) {
        String[] all = Stream.concat(Stream.of("--promptrelay.outbox=" + run.resolve("outbox"),
                "--promptrelay.state-dir=" + run.resolve("state"), "--promptrelay.archive=" + run.resolve("archive"),
                "--promptrelay.failed=" + run.resolve("failed"),
                "--camel.main.java-routes-exclude-pattern=**/PosterRouter*"), Stream.of(arguments)).toArray(String[]::new);
        return new SpringApplicationBuilder(MyCamelApplication.class).web(WebApplicationType.NONE).run(all);
    }

    /** The PNGs in the outbox; -1 when a file being written moved under the walk (ask again). */
    static long pngs(Path outbox) throws IOException {
        if (!Files.isDirectory(outbox)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(outbox)) {
            return files.filter(f -> f.toString().endsWith(".png")).count();
        } catch (java.io.UncheckedIOException e) {
            if (e.getCause() instanceof java.nio.file.NoSuchFileException) {
                // a temporary file renamed into its output while the walk passed it: counted at the next look
                return -1;
            }
            throw e;
        }
    }
}
