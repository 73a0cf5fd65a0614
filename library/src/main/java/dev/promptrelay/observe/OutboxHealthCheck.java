package dev.promptrelay.observe;

import java.util.Map;

import dev.promptrelay.output.Outbox;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * The outbox takes files: when it does not, results wait in the state directory and the check says so.
 */
public class OutboxHealthCheck extends PromptRelayHealthCheck {

    private final Outbox outbox;

    public OutboxHealthCheck(Outbox outbox) {
        super("outbox");
        this.outbox = outbox;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("folder", outbox.folder().toString());
        String problem = outbox.problem();
        if (problem == null) {
            builder.up();
            return;
        }
        builder.detail("staged", outbox.staged().toString());
        builder.message("the outbox cannot be written (" + problem + "); results wait in " + outbox.staged()
                        + " and move in once it can take them").down();
    }
}
