package sample.camel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.promptrelay.PromptRelayClient;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two contexts of the application running side by side with the same settings, as Spring keeps test contexts that
 * differ in anything else (a mocked bean, an annotation): both run, each on a journal of its own, and a job posted to
 * each ends in its own.
 */
class SideBySideContextsTest {

    @Test
    void twoRunningContextsOnOneStateDirectoryEachGetTheirImages() throws Exception {
        Path run = Path.of("target", "side-by-side").toAbsolutePath();
        try (ConfigurableApplicationContext first = Runs.start(run);
             ConfigurableApplicationContext second = Runs.start(run)) {
            PromptRelayClient one = first.getBean(PromptRelayClient.class);
            PromptRelayClient two = second.getBean(PromptRelayClient.class);
            String a = one.submit("a first poster", Map.of("provider", "modelscope"));
            String b = two.submit("a second poster", Map.of("provider", "modelscope"));
            assertThat(one.await(a, Duration.ofMinutes(1)).get("state")).isEqualTo("succeeded");
            assertThat(two.await(b, Duration.ofMinutes(1)).get("state")).isEqualTo("succeeded");
            assertThat(run.resolve("state-2").resolve("journal.mv.db")).as("the second context's own journal").exists();
            assertThat(Files.exists(run.resolve("state").resolve("journal.mv.db"))).isTrue();
        }
    }
}
