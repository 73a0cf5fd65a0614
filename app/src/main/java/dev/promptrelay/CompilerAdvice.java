package dev.promptrelay;

import java.lang.management.ManagementFactory;
import java.util.Optional;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a machine of one or two cores, HotSpot's second compiler takes more CPU from the routes than its faster code
 * gives back (BENCHMARKS.md): promptrelay, run on its own, says so once at start when the JVM was not told to do
 * without it. Nothing is said when embedded: the host application owns its JVM.
 */
final class CompilerAdvice {

    private static final Logger LOG = LoggerFactory.getLogger(CompilerAdvice.class);

    private CompilerAdvice() {
    }

    static void logAtStart() {
        try {
            HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (hotSpot != null) {
                advice(Runtime.getRuntime().availableProcessors(), hotSpot.getVMOption("TieredStopAtLevel").getValue())
                        .ifPresent(LOG::info);
            }
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // not HotSpot, or a JVM without tiered compilation: nothing to advise
            LOG.debug("No compiler advice for this JVM: {}", e.toString());
        }
    }

    static Optional<String> advice(int cores, String tieredStopAtLevel) {
        if (cores > 2 || "1".equals(tieredStopAtLevel) || "0".equals(tieredStopAtLevel)) {
            return Optional.empty();
        }
        return Optional.of("This JVM has " + cores + " core(s): start promptrelay as `java -XX:TieredStopAtLevel=1 "
                           + "-jar promptrelay.jar` and it takes about half the CPU per job in its first minutes, and "
                           + "less after (docs/operations.md)");
    }
}
