package dev.promptrelay.sandbox;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the provider side sees of a client's polling: per finished task, how long after its end the client asked
 * and learned it, and how many polls it spent. The benchmark reads these; no client-side figure is trusted.
 */
public class SandboxTimings {

    private final List<Long> detectionMillis = new ArrayList<>();
    private final List<Integer> polls = new ArrayList<>();
    private long taskMillisTotal;
    private final List<Long> drawn = new ArrayList<>();

    /** A task accepted, with the duration drawn for it, in the order tasks were submitted. */
    synchronized void accepted(long taskMillis) {
        drawn.add(taskMillis);
    }

    /** The durations drawn since the last reset, in the order their tasks were submitted: what an oracle schedules. */
    public synchronized List<Long> drawnInSubmitOrder() {
        return List.copyOf(drawn);
    }

    synchronized void detected(long delayMillis, int pollCount, long taskMillis) {
        taskMillisTotal += taskMillis;
        detectionMillis.add(Math.max(0, delayMillis));
        polls.add(pollCount);
    }

    public synchronized void reset() {
        detectionMillis.clear();
        polls.clear();
        drawn.clear();
        taskMillisTotal = 0;
    }

    public synchronized Map<String, Object> summary() {
        Map<String, Object> summary = new TreeMap<>();
        summary.put("detected_tasks", (long) detectionMillis.size());
        summary.put("task_ms_total", taskMillisTotal);
        if (detectionMillis.isEmpty()) {
            return summary;
        }
        List<Long> sorted = new ArrayList<>(detectionMillis);
        Collections.sort(sorted);
        summary.put("detection_ms_mean", Math.round(sorted.stream().mapToLong(Long::longValue).average().orElse(0)));
        summary.put("detection_ms_p95", sorted.get((int) Math.min(sorted.size() - 1, Math.round(0.95 * (sorted.size() - 1)))));
        summary.put("polls_per_task", Math.round(polls.stream().mapToInt(Integer::intValue).average().orElse(0) * 100) / 100.0);
        return summary;
    }
}
