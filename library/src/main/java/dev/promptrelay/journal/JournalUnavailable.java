package dev.promptrelay.journal;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * The journal's database could not be reached (stopped, restarting, the network between): nothing was written, and
 * nothing about the job is known to be wrong. The step is tried again once the database answers; a job is never failed
 * for it, since its task may have been paid for.
 */
public class JournalUnavailable extends IllegalStateException {

    JournalUnavailable(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether the failure is the database's absence rather than the work's: no connection in time, a refused or broken
     * connection (SQL state class 08), a server shutting down or starting (57P01 to 57P03), or a session the server
     * ended because this node sat in a transaction or idle too long (25P03, 57P05: a paused node; nothing of the
     * transaction was kept, so the step is tried again on a new connection, where its guards see what others did).
     */
    static boolean isUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof java.net.ConnectException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                    || JournalDatabase.sessionEnded(state)) {
                    return true;
                }
            }
            // HikariCP's word for a connection it closed after the server cut it, which carries no state
            if (t instanceof SQLException sql && "Connection is closed".equals(sql.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /** The journal's failure as it is thrown: unavailable, or a failure of the work itself. */
    static IllegalStateException of(Throwable e) {
        String message = "job journal: " + e.getMessage();
        return isUnavailable(e) ? new JournalUnavailable(message, e) : new IllegalStateException(message, e);
    }
}
