package dev.promptrelay;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CompilerAdviceTest {

    @Test
    void onlyASmallMachineRunningBothCompilersIsAdvised() {
        assertThat(CompilerAdvice.advice(2, "4")).get().asString().contains("-XX:TieredStopAtLevel=1")
                .contains("2 core(s)")
                .as("what the user can do, not what was done").contains("start promptrelay as");
        assertThat(CompilerAdvice.advice(1, "4")).isPresent();
        assertThat(CompilerAdvice.advice(2, "1")).as("already told").isEmpty();
        assertThat(CompilerAdvice.advice(8, "4")).as("enough cores for both").isEmpty();
    }
}
