package dev.promptrelay.journal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;

import static dev.promptrelay.journal.JournalDatabase.bind;
import static dev.promptrelay.journal.JournalDatabase.instant;
import static dev.promptrelay.journal.JournalDatabase.update;

/**
 * When each schedule last fired, so a restart neither fires twice nor forgets a fire.
 */
public class ScheduleFires {

    private final JournalDatabase db;

    public ScheduleFires(JournalDatabase db) {
        this.db = db;
    }

    /** When a schedule last fired, or null when it never has. */
    public Instant lastFire(String schedule) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT fired_at FROM schedule_fire WHERE name = ?")) {
                bind(p, schedule);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? instant(rs, 1) : null;
                }
            }
        });
    }

    /**
     * Claims one tick of a schedule (its scheduled fire time, the same on every node): true for the one node that
     * moves the schedule's last fire forward to it, false for the others and for a tick already taken.
     */
    public boolean claimFire(String schedule, Instant tick) {
        OffsetDateTime at = tick.atOffset(java.time.ZoneOffset.UTC);
        return db.write(c -> {
            if (update(c, "UPDATE schedule_fire SET fired_at = ? WHERE name = ? AND fired_at < ?", at, schedule, at) == 1) {
                return true;
            }
            if (JournalDatabase.count(c, "SELECT COUNT(*) FROM schedule_fire WHERE name = ?", schedule) > 0) {
                return false;
            }
            // the first fire of this schedule: of two nodes inserting at once, one wins
            return JournalDatabase.insertUnlessRaced(c, "INSERT INTO schedule_fire (name, fired_at) VALUES (?, ?)",
                    schedule, at);
        });
    }
}
