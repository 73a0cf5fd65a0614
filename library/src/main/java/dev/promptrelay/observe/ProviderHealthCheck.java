package dev.promptrelay.observe;

import java.util.Map;

import dev.promptrelay.journal.JobFailure;
import dev.promptrelay.provider.ProviderSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * A provider is DOWN while its circuit breaker is not closed: several requests in a row got no answer at all
 * (refused, reset, timed out), so nothing is sent to it for a while; one answer, even a refusal, closes it again.
 * The details say where it is, whether it is the sandbox, and the breaker's state.
 */
public class ProviderHealthCheck extends PromptRelayHealthCheck {

    private final ProviderSettings settings;
    private final CircuitBreaker breaker;
    private volatile String lastProblem;

    public ProviderHealthCheck(ProviderSettings settings, CircuitBreaker breaker) {
        super("provider-" + settings.id());
        this.settings = settings;
        this.breaker = breaker;
        breaker.getEventPublisher().onError(event -> lastProblem = describe(event.getThrowable()));
    }

    @Override
    public boolean isLiveness() {
        // an unreachable provider is no reason to restart promptrelay
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("base_url", settings.baseUrl());
        builder.detail("sandbox", settings.sandbox());
        CircuitBreaker.State state = breaker.getState();
        builder.detail("circuit_breaker", state.name());
        builder.detail("failed_calls", breaker.getMetrics().getNumberOfFailedCalls());
        if (state == CircuitBreaker.State.CLOSED || state == CircuitBreaker.State.DISABLED) {
            builder.up();
            return;
        }
        builder.message(settings.id() + " stopped answering (" + lastProblem + "): its circuit breaker is "
                        + state.name().toLowerCase().replace('_', '-') + ", "
                        + (state == CircuitBreaker.State.OPEN ? "nothing is sent to it for now" : "one request tries it"));
        builder.down();
    }

    private static String describe(Throwable cause) {
        Throwable root = cause;
        while (root instanceof RuntimeCamelException && root.getCause() != null) {
            root = root.getCause();
        }
        return JobFailure.describe(root);
    }
}
