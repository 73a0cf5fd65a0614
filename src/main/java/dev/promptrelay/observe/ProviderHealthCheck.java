package dev.promptrelay.observe;

import java.util.Map;

import dev.promptrelay.provider.ProviderSettings;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A provider is DOWN once several requests in a row got no answer at all (refused, reset, timed out); one answer,
 * even a refusal, brings it back UP. The details say where it is and whether it is the sandbox.
 */
public class ProviderHealthCheck extends AbstractHealthCheck {

    static final int DOWN_AFTER = 3;

    private final ProviderSettings settings;
    private final JobMetrics metrics;

    public ProviderHealthCheck(ProviderSettings settings, JobMetrics metrics) {
        super("promptrelay", "provider-" + settings.id());
        this.settings = settings;
        this.metrics = metrics;
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
        int unanswered = metrics.unansweredInARow(settings.id());
        builder.detail("unanswered_in_a_row", unanswered);
        if (unanswered >= DOWN_AFTER) {
            builder.message(settings.id() + " did not answer the last " + unanswered + " requests: "
                            + metrics.lastProblem(settings.id()));
            builder.down();
        } else {
            builder.up();
        }
    }
}
