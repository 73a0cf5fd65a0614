package dev.promptrelay;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.promptrelay.provider.ProviderPacing;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests per minute space requests out per provider; a hold-off closes the provider for every job.
 */
class ProviderPacingTest {

    final TestClock clock = new TestClock(Instant.parse("2026-11-30T09:00:00Z"));

    @Test
    void requestsPerMinuteGiveEachRequestItsOwnSlot() {
        ProviderPacing pacing = new ProviderPacing(Map.of("modellix", 60), clock);
        assertThat(pacing.delayMillis("modellix", 0)).isZero();
        assertThat(pacing.delayMillis("modellix", 0)).isEqualTo(1000);
        assertThat(pacing.delayMillis("modellix", 0)).isEqualTo(2000);
        clock.advance(Duration.ofMillis(2500));
        assertThat(pacing.delayMillis("modellix", 0)).as("the next free slot, counted from now").isEqualTo(500);
        assertThat(pacing.delayMillis("modelscope", 0)).as("no cap for another provider").isZero();
    }

    @Test
    void aHoldOffClosesTheProviderForEveryJobUntilItPasses() {
        ProviderPacing pacing = new ProviderPacing(Map.of(), clock);
        assertThat(pacing.isOpen("modelscope")).isTrue();
        pacing.holdOff("modelscope", Duration.ofSeconds(2));
        assertThat(pacing.isOpen("modelscope")).isFalse();
        assertThat(pacing.isOpen("scenario")).isTrue();
        assertThat(pacing.delayMillis("modelscope", 100)).isEqualTo(2000);
        assertThat(pacing.delayMillis("modelscope", 5000)).as("a longer own wait wins").isEqualTo(5000);
        pacing.holdOff("modelscope", Duration.ofMillis(10));
        assertThat(pacing.isOpen("modelscope")).as("a shorter hold-off does not shorten a longer one").isFalse();
        clock.advance(Duration.ofMillis(1999));
        assertThat(pacing.isOpen("modelscope")).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(pacing.isOpen("modelscope")).as("open the moment the wait has passed").isTrue();
    }
}
