package dev.promptrelay.journal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JournalStackTest {

    private static final JournalStack.Supported H2 = JournalStack.SUPPORTED.get(0);

    @Test
    void theVersionsThisBuildRunsWithAreReadAndAccepted() {
        for (JournalStack.Supported library : JournalStack.SUPPORTED) {
            String version = JournalStack.versionOnClassPath(library).orElseThrow();
            assertThat(JournalStack.problem(library, version)).as(library.name() + " " + version).isEmpty();
        }
        JournalStack.check();
    }

    @Test
    void anOlderVersionIsRefusedWithWhatToPin() {
        assertThat(JournalStack.problem(H2, "2.2.224")).hasValueSatisfying(problem -> assertThat(problem)
                .contains("H2 2.2.224 is on the class path", "needs H2 2.3.232 or later",
                        "<h2.version>2.4.240</h2.version>"));
        assertThat(JournalStack.problem(H2, "1.4.200")).isPresent();
    }

    @Test
    void versionsWithinTheRangeOrOnlyNewerInTheSameLineAreAccepted() {
        assertThat(JournalStack.problem(H2, "2.3.232")).isEmpty();
        assertThat(JournalStack.problem(H2, "2.4.999")).isEmpty();
        assertThat(JournalStack.problem(JournalStack.SUPPORTED.get(1), "11.7.2")).isEmpty();
        assertThat(JournalStack.problem(JournalStack.SUPPORTED.get(2), "6.3.3")).isEmpty();
        assertThat(JournalStack.problem(H2, "3.0.0")).hasValueSatisfying(p -> assertThat(p).contains("tested with"));
        assertThat(JournalStack.compare("2.3.232-SNAPSHOT", "2.3.232")).isZero();
    }
}
