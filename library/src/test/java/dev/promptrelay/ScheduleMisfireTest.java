package dev.promptrelay;

import java.time.Instant;

import dev.promptrelay.schedule.Schedule;
import dev.promptrelay.schedule.SchedulesTestAccess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After downtime a schedule runs once if it missed any fire, never once per missed fire, and never before its first;
 * the fire it makes up is the latest it missed, a tick every node on one journal names the same.
 */
class ScheduleMisfireTest {

    final Schedule hourly = new Schedule("hourly", "0 0 * * * ?", "a clock", null, "{schedule}", true);

    @Test
    void aMissedFireIsMadeUpOnceAndOnlyWhenOneWasMissed() {
        Instant now = Instant.parse("2026-11-23T15:30:00Z");
        assertThat(SchedulesTestAccess.missedSince(hourly, null, now)).as("never fired: nothing to make up").isNull();
        assertThat(SchedulesTestAccess.missedSince(hourly, Instant.parse("2026-11-23T15:00:00Z"), now))
                .as("the last fire was the latest wanted").isNull();
        Instant madeUp = SchedulesTestAccess.missedSince(hourly, Instant.parse("2026-11-23T09:00:00Z"), now);
        assertThat(madeUp).as("six fires missed: one make-up, for the latest of them")
                .isAfter(now.minusSeconds(3600)).isBefore(now);
        assertThat(SchedulesTestAccess.missedSince(hourly, Instant.parse("2026-11-01T09:00:00Z"), now))
                .as("after a long stop too").isEqualTo(madeUp);
    }
}
