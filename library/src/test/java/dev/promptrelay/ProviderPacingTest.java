package dev.promptrelay;

import java.time.Duration;
import java.time.Instant;

import dev.promptrelay.provider.ProviderPacing;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hold-off closes the provider for every job, until the wait it asked for has passed.
 */
class ProviderPacingTest {

    final TestClock clock = new TestClock(Instant.parse("2026-11-30T09:00:00Z"));

    @Test
    void aHoldOffClosesTheProviderForEveryJobUntilItPasses() {
        ProviderPacing pacing = new ProviderPacing(clock);
        assertThat(pacing.isOpen("modelscope")).isTrue();
        pacing.holdOff("modelscope", Duration.ofSeconds(2));
        assertThat(pacing.isOpen("modelscope")).isFalse();
        assertThat(pacing.isOpen("scenario")).isTrue();
        assertThat(pacing.delayMillis("modelscope", 100)).isEqualTo(2000);
        assertThat(pacing.delayMillis("modelscope", 5000)).as("a longer own wait wins").isEqualTo(5000);
        pacing.holdOff("modelscope", "0", null);
        assertThat(pacing.isOpen("modelscope")).as("a shorter hold-off does not shorten a longer one").isFalse();
        clock.advance(Duration.ofMillis(1999));
        assertThat(pacing.isOpen("modelscope")).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(pacing.isOpen("modelscope")).as("open the moment the wait has passed").isTrue();
        pacing.holdOff("scenario", null, null);
        assertThat(pacing.isOpen("scenario")).as("an answer that names no wait holds nothing off").isTrue();
        pacing.holdOff("scenario", null, String.valueOf(clock.instant().getEpochSecond() + 3));
        assertThat(pacing.delayMillis("scenario", 0)).as("X-RateLimit-Reset in Unix seconds").isEqualTo(3000);
    }
}
