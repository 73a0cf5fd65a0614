package dev.promptrelay;

import java.time.Duration;
import java.util.Map;

import dev.promptrelay.provider.ProviderPacing;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests per minute space requests out per provider; a hold-off closes the provider for every job.
 */
class ProviderPacingTest {

    @Test
    void requestsPerMinuteGiveEachRequestItsOwnSlot() {
        ProviderPacing pacing = new ProviderPacing(Map.of("modellix", 60));
        long first = pacing.delayMillis("modellix", 0);
        long second = pacing.delayMillis("modellix", 0);
        long third = pacing.delayMillis("modellix", 0);
        assertThat(first).isBetween(0L, 50L);
        assertThat(second).isBetween(950L, 1000L);
        assertThat(third).isBetween(1950L, 2000L);
        assertThat(pacing.delayMillis("modelscope", 0)).as("no cap for another provider").isZero();
    }

    @Test
    void aHoldOffClosesTheProviderForEveryJobUntilItPasses() {
        ProviderPacing pacing = new ProviderPacing(Map.of());
        assertThat(pacing.isOpen("modelscope")).isTrue();
        pacing.holdOff("modelscope", Duration.ofSeconds(2));
        assertThat(pacing.isOpen("modelscope")).isFalse();
        assertThat(pacing.isOpen("scenario")).isTrue();
        assertThat(pacing.delayMillis("modelscope", 100)).isBetween(1900L, 2000L);
        assertThat(pacing.delayMillis("modelscope", 5000)).as("a longer own wait wins").isBetween(4990L, 5000L);
        pacing.holdOff("modelscope", Duration.ofMillis(10));
        assertThat(pacing.isOpen("modelscope")).as("a shorter hold-off does not shorten a longer one").isFalse();
    }
}
