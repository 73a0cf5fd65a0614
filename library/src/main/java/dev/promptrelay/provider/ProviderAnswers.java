package dev.promptrelay.provider;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.promptrelay.journal.Job;

/**
 * What a provider's answer says, read by the job's provider mapping: the status it means, the task id of an accepted
 * submit, the report of a poll, and how long it asks us to wait.
 */
public class ProviderAnswers {

    private static final long MAX_BACK_OFF_MILLIS = 60_000;

    private final ProviderCatalog providers;
    private final ProviderAdvice advice;

    public ProviderAnswers(ProviderCatalog providers, ProviderAdvice advice) {
        this.providers = providers;
        this.advice = advice;
    }

    /**
     * The HTTP status the provider meant, for the request it answers: Modellix, for one, reports a refusal inside a 200
     * answer, and fal's refusal of a task's result means the task failed.
     */
    public int status(String provider, ProviderCall call, Integer httpStatus, String body) {
        return providers.mapping(provider).interpret(answer(httpStatus, body), call).status();
    }

    /**
     * The provider's own wait headers under the names the routes read ({@code Retry-After}, {@code X-RateLimit-Reset}),
     * where its profile names others.
     */
    public void waitHeaders(String provider, Map<String, Object> headers) {
        ProviderMapping mapping = providers.mapping(provider);
        copyHeader(headers, mapping.retryAfterHeader(), "Retry-After");
        copyHeader(headers, mapping.resetHeader(), "X-RateLimit-Reset");
    }

    private static void copyHeader(Map<String, Object> headers, String from, String to) {
        if (!from.equalsIgnoreCase(to)) {
            headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(from)).findFirst()
                    .ifPresent(e -> headers.put(to, e.getValue()));
        }
    }

    /** The task id of an accepted submit; an answer without one leaves the outcome unknown. */
    public String taskId(Job job, int status, String body) {
        ProviderMapping mapping = providers.mapping(job.provider());
        HttpAnswer answer = answer(status, body);
        String taskId = mapping.taskIdFrom(answer);
        if (taskId == null) {
            throw advice.submitWithoutTaskId(job, status, mapping.errorMessage(answer));
        }
        return taskId;
    }

    /** What the job's accepted submit says its task costs, in the provider's unit; null where it says nothing. */
    public TaskCost submitCost(Job job, String body) {
        return providers.mapping(job.provider()).submitCost(answer(200, body));
    }

    /** What a 2xx answer to this poll (of the status, or of the result) says of the task. */
    public TaskReport report(Job job, ProviderCall call, String body) {
        ProviderMapping mapping = providers.mapping(job.provider());
        return mapping.withCost(job, mapping.readPoll(answer(200, body), call));
    }

    /** The output with the download URL a link answer gave, or null when it gave none. */
    public TaskOutput linked(Job job, TaskOutput output, int status, String body) {
        return status >= 200 && status < 300 ? providers.mapping(job.provider()).linked(output, answer(status, body)) : null;
    }

    /** At most a few KB of an error answer, its connection released: such bodies are never worth more. */
    public String errorBody(Object body) throws IOException {
        if (body instanceof InputStream in) {
            try (in) {
                return new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            }
        }
        return body == null ? "" : body.toString();
    }

    /** A refusal in the provider's own words, for the log and the job's error. */
    public ProviderAdvice.Refusal refusal(Job job, String what, int status, String body) {
        ProviderMapping mapping = providers.mapping(job.provider());
        return new ProviderAdvice.Refusal(mapping.displayName() + " " + what + " with HTTP " + status + ": "
                                          + mapping.errorMessage(answer(status, body)), status == 429 || status == 503);
    }

    /** How long the provider asked us to wait ({@code Retry-After}, {@code X-RateLimit-Reset}); null when it did not say. */
    public Long waitMillis(String retryAfter, String rateLimitReset) {
        Duration asked = RetryAfter.of(retryAfter, rateLimitReset, Instant.now());
        return asked == null ? null : asked.toMillis();
    }

    /** The wait before another try: as long as the provider asked, else 2, 4, 8 ... s after the n-th try, at most a minute. */
    public long retryWaitMillis(int tries, String retryAfter, String rateLimitReset) {
        Long asked = waitMillis(retryAfter, rateLimitReset);
        return asked != null ? Math.max(asked, 100) : Math.min(MAX_BACK_OFF_MILLIS, 1000L << Math.min(tries, 6));
    }

    private static HttpAnswer answer(Integer status, String body) {
        return new HttpAnswer(status == null ? 0 : status, Map.of(), body);
    }
}
