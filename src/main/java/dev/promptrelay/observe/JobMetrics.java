package dev.promptrelay.observe;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;

/**
 * What operators count per provider, exposed at /observe/metrics: jobs by outcome, submits, polls, retries, 429s,
 * task duration and the time from provider completion to file written. Also remembers, per provider, how many
 * requests in a row got no answer, for the health check.
 */
public class JobMetrics {

    private final CamelContext context;
    private volatile MeterRegistry registry;
    private final Map<String, AtomicInteger> unansweredInARow = new ConcurrentHashMap<>();
    private final Map<String, String> lastProblem = new ConcurrentHashMap<>();

    public JobMetrics(CamelContext context) {
        this.context = context;
    }

    /** Camel's Prometheus registry once it exists; a private one where promptrelay runs without it (embedded). */
    private MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r == null) {
            r = context.getRegistry().findSingleByType(MeterRegistry.class);
            if (r == null) {
                r = new SimpleMeterRegistry();
            }
            registry = r;
        }
        return r;
    }

    public void submitted(String provider) {
        counter("promptrelay_submits", provider, "outcome", "accepted").increment();
        answered(provider);
    }

    public void submitRefused(String provider, int status) {
        counter("promptrelay_submits", provider, "outcome", "refused-" + status).increment();
        if (status == 429) {
            counter("promptrelay_rate_limited", provider, "request", "submit").increment();
        }
        answered(provider);
    }

    public void polled(String provider, int status) {
        counter("promptrelay_polls", provider, "status", String.valueOf(status)).increment();
        if (status == 429) {
            counter("promptrelay_rate_limited", provider, "request", "poll").increment();
        }
        answered(provider);
    }

    public void retried(String provider, String what) {
        counter("promptrelay_retries", provider, "request", what).increment();
    }

    /** A request that got no answer at all (refused connection, reset, timeout). */
    public void unanswered(String provider, String problem) {
        unansweredInARow.computeIfAbsent(provider, p -> new AtomicInteger()).incrementAndGet();
        lastProblem.put(provider, problem);
        counter("promptrelay_unanswered", provider, "request", "any").increment();
    }

    public void jobEnded(String provider, String outcome) {
        counter("promptrelay_jobs", provider, "outcome", outcome).increment();
    }

    public void taskDuration(String provider, Duration duration) {
        Timer.builder("promptrelay_task_duration").description("from submit to the provider reporting the end")
                .tag("provider", provider).register(registry()).record(duration);
    }

    public void completionToWritten(String provider, Duration duration) {
        Timer.builder("promptrelay_completion_to_written")
                .description("from the provider reporting success to the file written").tag("provider", provider)
                .register(registry()).record(duration);
    }

    int unansweredInARow(String provider) {
        AtomicInteger n = unansweredInARow.get(provider);
        return n == null ? 0 : n.get();
    }

    String lastProblem(String provider) {
        return lastProblem.get(provider);
    }

    private void answered(String provider) {
        AtomicInteger n = unansweredInARow.get(provider);
        if (n != null) {
            n.set(0);
        }
    }

    private Counter counter(String name, String provider, String tag, String value) {
        return Counter.builder(name).tag("provider", provider).tag(tag, value).register(registry());
    }
}
