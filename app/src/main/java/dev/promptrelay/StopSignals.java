package dev.promptrelay;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sun.misc.Signal;

/**
 * Says which signal stopped promptrelay. Camel Main's shutdown hook names SIGTERM whatever the cause, which misleads a
 * user who pressed Ctrl+C; its line is silenced in the log configuration and this one said instead. The JVM's own
 * handler runs right after, so the stop is Camel's graceful one as before; a signal the process was started with
 * ignored (nohup, a background job) stays ignored.
 */
final class StopSignals {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {
    }

    static void install() {
        for (String name : List.of("INT", "TERM", "HUP")) {
            try {
                Named named = new Named(new Signal(name));
                named.jvm = Signal.handle(named.signal, named);
            } catch (IllegalArgumentException e) {
                // a signal this platform or JVM keeps for itself (-Xrs): its stop is then not named, nothing else lost
                LOG.debug("SIG{} is not promptrelay's to watch: {}", name, e.getMessage());
            }
        }
    }

    private static final class Named implements sun.misc.SignalHandler {

        final Signal signal;
        /** The JVM's handler, which runs the shutdown hooks; null only in the instant before it is known. */
        volatile sun.misc.SignalHandler jvm;

        Named(Signal signal) {
            this.signal = signal;
        }

        @Override
        public void handle(Signal received) {
            LOG.info("Stopping on SIG{} ({}): what is under way is kept in the journal and resumes at the next start",
                    signal.getName(), switch (signal.getName()) {
                        case "INT" -> "Ctrl+C";
                        case "HUP" -> "the terminal closed";
                        default -> "a request to stop, e.g. kill or systemctl stop";
                    });
            if (jvm != null) {
                jvm.handle(received);
            } else {
                Runtime.getRuntime().exit(128 + received.getNumber());
            }
        }
    }
}
