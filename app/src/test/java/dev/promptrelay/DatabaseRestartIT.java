package dev.promptrelay;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped at once for 30 s, about one default lease, under three nodes running 60 jobs: a database
 * restart or fail-over. The same promises as {@link DatabaseOutageIT}'s three minutes.
 */
class DatabaseRestartIT {

    @Test
    void threeNodesRideOutAThirtySecondDatabaseRestart() throws Exception {
        DatabaseOutageIT.rideOut("db-restart", Duration.ofSeconds(30));
    }
}
