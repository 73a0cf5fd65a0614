package dev.promptrelay.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.promptrelay.journal.OutletJournal;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * The outlets take what they are sent: one that refuses keeps its results waiting in the outbox (and the journal),
 * and the check says which, how many and why.
 */
public class OutletsHealthCheck extends PromptRelayHealthCheck {

    private final OutletJournal outlets;

    public OutletsHealthCheck(OutletJournal outlets) {
        super("outlets");
        this.outlets = outlets;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (!outlets.any()) {
            builder.up();
            return;
        }
        List<String> refusing = new ArrayList<>();
        outlets.backlog().forEach((name, backlog) -> {
            builder.detail(name + ".waiting", backlog.waiting());
            if (backlog.missing() > 0) {
                builder.detail(name + ".missing", backlog.missing());
            }
            if (backlog.lastError() != null) {
                refusing.add(name + " (" + backlog.waiting() + " waiting since " + backlog.oldest() + ": "
                             + backlog.lastError() + ")");
            }
        });
        if (refusing.isEmpty()) {
            builder.up();
            return;
        }
        builder.message("outlets refuse deliveries, which wait in the outbox and are sent again until taken: "
                        + String.join("; ", refusing)).down();
    }
}
