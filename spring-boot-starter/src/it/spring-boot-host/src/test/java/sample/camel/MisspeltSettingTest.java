package sample.camel;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A promptrelay setting promptrelay does not read stops the start, naming the one meant, instead of leaving its
 * default in force without a word: a typo, and a name Spring would bind relaxed but Camel never reads.
 */
class MisspeltSettingTest {

    @Test
    void aTypoOrARelaxedNameStopsTheStartNamingTheSettingMeant() {
        Path run = Path.of("target", "misspelt").toAbsolutePath();
        assertThatThrownBy(() -> Runs.start(run, "--promptrelay.sandbox.task-milis=10").close())
                .hasStackTraceContaining("promptrelay has no setting promptrelay.sandbox.task-milis (commandLineArgs): "
                                         + "did you mean promptrelay.sandbox.task-millis?");
        assertThatThrownBy(() -> Runs.start(run, "--promptrelay.stateDir=" + run.resolve("elsewhere")).close())
                .hasStackTraceContaining("did you mean promptrelay.state-dir?");
    }
}
