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

    public void recordFire(String schedule, Instant firedAt) {
        OffsetDateTime at = firedAt.atOffset(java.time.ZoneOffset.UTC);
        db.write(c -> update(c, "UPDATE schedule_fire SET fired_at = ? WHERE name = ?", at, schedule) == 1
                ? 1 : update(c, "INSERT INTO schedule_fire (name, fired_at) VALUES (?, ?)", schedule, at));
    }
}
