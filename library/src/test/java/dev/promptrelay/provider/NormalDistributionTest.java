package dev.promptrelay.provider;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class NormalDistributionTest {

    @Test
    void theNormalDistributionAndItsInverse() {
        assertThat(PollPlan.normalCdf(0)).isCloseTo(0.5, within(1e-7));
        assertThat(PollPlan.normalCdf(1.959964)).isCloseTo(0.975, within(1e-6));
        assertThat(PollPlan.normalQuantile(0.975)).isCloseTo(1.959964, within(1e-5));
        assertThat(PollPlan.normalQuantile(0.01)).isCloseTo(-2.326348, within(1e-5));
    }
}
