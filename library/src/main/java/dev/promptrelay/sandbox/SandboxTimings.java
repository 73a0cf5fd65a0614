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
    private final List<Long> acceptedAt = new ArrayList<>();
    private final List<Long> detectedAt = new ArrayList<>();

    /** A task accepted at this instant (epoch ms), with the duration drawn for it, in the order of submits. */
    synchronized void accepted(long atMillis, long taskMillis) {
        drawn.add(taskMillis);
        acceptedAt.add(atMillis);
    }

    /** The durations drawn since the last reset, in the order their tasks were submitted: what an oracle schedules. */
    public synchronized List<Long> drawnInSubmitOrder() {
        return List.copyOf(drawn);
    }

    synchronized void detected(long atMillis, long delayMillis, int pollCount, long taskMillis) {
        detectedAt.add(atMillis);
        taskMillisTotal += taskMillis;
        detectionMillis.add(Math.max(0, delayMillis));
        polls.add(pollCount);
    }

    public synchronized void reset() {
        detectionMillis.clear();
        polls.clear();
        drawn.clear();
        acceptedAt.clear();
        detectedAt.clear();
        taskMillisTotal = 0;
    }

    /** When the first task since the last reset was accepted (epoch ms), or -1. */
    public synchronized long firstAcceptedAt() {
        return acceptedAt.isEmpty() ? -1 : Collections.min(acceptedAt);
    }

    /** When the last end since the last reset was seen by the client (epoch ms), or -1. */
    public synchronized long lastDetectedAt() {
        return detectedAt.isEmpty() ? -1 : Collections.max(detectedAt);
    }

    /**
     * With C slots kept full, the k-th submit (k >= C) takes the slot the (k-C)-th seen end freed: the mean of the
     * times between the two is what the client spends handing a slot over, on top of the detection delay.
     */
    public synchronized double handOverMeanMillis(int slots) {
        List<Long> submits = new ArrayList<>(acceptedAt);
        List<Long> ends = new ArrayList<>(detectedAt);
        Collections.sort(submits);
        Collections.sort(ends);
        long total = 0;
        int count = 0;
        for (int k = slots; k < submits.size() && k - slots < ends.size(); k++) {
            total += submits.get(k) - ends.get(k - slots);
            count++;
        }
        return count == 0 ? Double.NaN : total / (double) count;
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
