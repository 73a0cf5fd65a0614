package dev.promptrelay.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.promptrelay.journal.JobJournal;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * This node's leases on its jobs: renewed on time, or about to run out, after which other nodes on the journal take
 * its work over. Names the node, so a look at any node's health says which one it is.
 */
public class LeaseHealthCheck extends PromptRelayHealthCheck {

    private final JobJournal journal;
    private final Duration lease;

    public LeaseHealthCheck(JobJournal journal, Duration lease) {
        super("leases");
        this.journal = journal;
        this.lease = lease;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        JobJournal.LeaseState state = journal.leaseState();
        builder.detail("node", journal.node());
        builder.detail("leases_held", state.held());
        builder.detail("last_renewal", state.lastRenewal() == null ? "not yet" : state.lastRenewal().toString());
        if (state.lastRenewal() != null && state.lastRenewal().plus(lease).isBefore(Instant.now())) {
            builder.message("the leases of node " + journal.node() + " were last renewed at " + state.lastRenewal()
                            + ", longer ago than promptrelay.cluster.lease-seconds: other nodes may have taken its "
                            + "jobs over; check the journal's database").down();
            return;
        }
        builder.up();
    }
}
