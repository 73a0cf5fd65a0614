package sample.camel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What the application switches on: the drop folder takes prompt files once enabled; the HTTP API, which Spring Boot
 * cannot serve, stops the start with what to use instead.
 */
class OptInTest {

    @Test
    void theDropFolderOnceEnabled() throws Exception {
        Path run = Files.createDirectories(Path.of("target", "opt-in-inbox").toAbsolutePath());
        try (ConfigurableApplicationContext app = Runs.start(run, "--promptrelay.inbox.enabled=true",
                "--promptrelay.inbox=" + run.resolve("inbox"), "--promptrelay.inbox.settle-millis=200")) {
            Path draft = Files.writeString(run.resolve("posters.txt.draft"), "a harbour at night\na lighthouse\n");
            Files.move(draft, run.resolve("inbox/posters.txt"), StandardCopyOption.ATOMIC_MOVE);
            await().atMost(Duration.ofMinutes(1)).until(() -> Runs.pngs(run.resolve("outbox")) == 2);
            await().atMost(Duration.ofMinutes(1)).until(() -> Files.exists(run.resolve("archive/posters.txt")));
        }
    }

    @Test
    void anIntakeAndAnOutletDeclaredInTheApplicationsSettings() throws Exception {
        Path run = Files.createDirectories(Path.of("target", "opt-in-endpoints").toAbsolutePath());
        Path in = Files.createDirectories(run.resolve("partner-in"));
        Path out = run.resolve("partner-out");
        try (ConfigurableApplicationContext app = Runs.start(run,
                "--promptrelay.intake.partner.uri=file:" + in + "?delay=200&move=.done",
                "--promptrelay.outlet.partner-copy.uri=file:" + out)) {
            Path draft = Files.writeString(run.resolve("lighthouse.txt.draft"), "a lighthouse at dusk\n");
            Files.move(draft, in.resolve("lighthouse.txt"), StandardCopyOption.ATOMIC_MOVE);
            // the outlet's copy of the output, its sidecar beside it, and the summary last
            await().atMost(Duration.ofMinutes(1)).until(() -> Files.exists(out.resolve("lighthouse.summary.json")));
            assertThat(Runs.pngs(out)).isEqualTo(1);
            assertThat(out.resolve("lighthouse").resolve("001-1.png.json")).exists();
            assertThat(in.resolve(".done").resolve("lighthouse.txt")).as("moved at the source once journaled").exists();
        }
    }

    @Test
    void theHttpApiIsRefusedWithWhatToUseInstead() {
        Path run = Path.of("target", "opt-in-api").toAbsolutePath();
        assertThatThrownBy(() -> Runs.start(run, "--promptrelay.api.enabled=true").close())
                .hasStackTraceContaining("promptrelay.api.enabled is true")
                .hasStackTraceContaining("PromptRelayClient");
    }

}
