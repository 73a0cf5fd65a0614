package dev.promptrelay;

import java.time.Instant;

import dev.promptrelay.schedule.Schedule;
import dev.promptrelay.schedule.SchedulesTestAccess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After downtime a schedule runs once if it missed any fire, never once per missed fire, and never before its first.
 */
class ScheduleMisfireTest {

    final Schedule hourly = new Schedule("hourly", "0 0 * * * ?", "a clock", null, "{schedule}", true);

    @Test
    void aMissedFireIsMadeUpOnceAndOnlyWhenOneWasMissed() {
        Instant now = Instant.parse("2026-11-23T15:30:00Z");
        assertThat(SchedulesTestAccess.missedSince(hourly, null, now)).as("never fired: nothing to make up").isFalse();
        assertThat(SchedulesTestAccess.missedSince(hourly, Instant.parse("2026-11-23T15:00:00Z"), now))
                .as("the last fire was the latest wanted").isFalse();
        assertThat(SchedulesTestAccess.missedSince(hourly, Instant.parse("2026-11-23T09:00:00Z"), now))
                .as("six fires missed: one make-up").isTrue();
    }
}
