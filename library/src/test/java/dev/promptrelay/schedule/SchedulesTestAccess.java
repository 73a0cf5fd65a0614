package dev.promptrelay.schedule;

import java.time.Instant;

/** Opens the package-private misfire rule to tests. */
public final class SchedulesTestAccess {

    private SchedulesTestAccess() {
    }

    public static Instant missedSince(Schedule schedule, Instant lastFire, Instant now) {
        return Schedules.missedSince(schedule, lastFire, now);
    }
}
