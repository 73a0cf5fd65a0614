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

    static long pngs(Path outbox) throws IOException {
        if (!Files.isDirectory(outbox)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(outbox)) {
            return files.filter(f -> f.toString().endsWith(".png")).count();
        }
    }
}
