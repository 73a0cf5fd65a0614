package sample.camel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Run last (junit-platform.properties): after every test above, the project holds nothing promptrelay wrote outside
 * target/, where application.yaml and the tests put its folders.
 */
@Order(Integer.MAX_VALUE)
class NothingOutsideTargetTest {

    @Test
    void everyFileWrittenIsUnderTarget() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of("."))) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    // the project, and what the build that runs it leaves (maven-invoker-plugin: its log and .mvn/)
                    .isSubsetOf(Set.of("pom.xml", "src", "target", "invoker.properties", "build.log", ".mvn"));
        }
    }
}
