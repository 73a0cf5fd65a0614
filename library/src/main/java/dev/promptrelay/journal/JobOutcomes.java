package dev.promptrelay.journal;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Journals how each job ended: succeeded, or why not and what the user can do about it. Each returns the outcome's
 * word, which the routes keep in the exchange property {@code outcome} for the finish route to count.
 */
public class JobOutcomes {

    private static final Logger LOG = LoggerFactory.getLogger(JobOutcomes.class);

    private final JobJournal journal;

    public JobOutcomes(JobJournal journal) {
        this.journal = journal;
    }

    /** A job whose outputs are all written; null when it was queued again meanwhile (the new attempt ends it). */
    public String succeeded(@ExchangeProperty("job") Job job) {
        if (!journal.markSucceeded(job)) {
            LOG.info("{}: the outputs of task {} are written; the job had been queued again meanwhile, so its new "
                     + "attempt says how it ends", job.label(), job.taskId());
            return null;
        }
        return JobState.SUCCEEDED.word();
    }

    /**
     * Records the exception that ended the job's route; null when the route failed before it knew its job, or the job
     * was queued again as a new attempt meanwhile.
     */
    public String failed(@ExchangeProperty("job") Job job, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable cause,
                         @ExchangeProperty("requestOnItsWay") Boolean requestOnItsWay) {
        if (job == null) {
            LOG.error("A job route failed before knowing its job", cause);
            return null;
        }
        Job journaled = journal.job(job.id());
        if (journaled.attempt() == job.attempt() && journaled.state() == JobState.CANCELLED) {
            // its submit was on its way when the request was cancelled: the cancel is its end, and says what to know
            boolean notTaken = cause instanceof JobFailure failure ? failure.state() == JobState.FAILED
                    : !Boolean.TRUE.equals(requestOnItsWay);
            if (notTaken) {
                journal.markCancelledSubmitNotTaken(job);
            }
            LOG.info("{}: cancelled while its submit was on its way, which then failed ({}){}; it stays cancelled",
                    job.label(), JobFailure.describe(cause), notTaken ? ", nothing was charged" : "");
            return null;
        }
        JobState state;
        String reason;
        String nextStep;
        if (cause instanceof JobFailure failure) {
            state = failure.state();
            reason = failure.getMessage();
            nextStep = failure.nextStep();
        } else if (journaled.state() == JobState.SUBMITTING && !Boolean.TRUE.equals(requestOnItsWay)) {
            // it failed while the request was being made up, before anything could leave: nothing was charged
            state = JobState.FAILED;
            reason = "the submit to " + job.provider() + " failed before it was sent (" + JobFailure.describe(cause)
                     + "); nothing was charged";
            nextStep = "this is an error in promptrelay or its settings: see the log around this time, and once it is "
                       + "fixed run the job again with POST /api/jobs/" + job.promptFileId() + "/retry";
        } else if (journaled.state() == JobState.SUBMITTING) {
            state = JobState.SUBMIT_UNKNOWN;
            reason = "the submit to " + job.provider() + " ended with an unexpected error (" + JobFailure.describe(cause)
                     + "); it may or may not have been accepted";
            nextStep = "look for the task in your " + job.provider()
                       + " account before dropping the prompt file again, so you do not pay twice";
        } else if (cause instanceof java.io.IOException || cause instanceof org.apache.camel.http.base.HttpOperationFailedException) {
            state = JobState.FAILED;
            reason = "the result of task " + job.taskId() + " could not be stored (" + JobFailure.describe(cause) + ")";
            nextStep = "the task succeeded at " + job.provider() + ", so its result was made and paid for: look for task "
                       + job.taskId() + " in your account there before dropping the prompt file again";
        } else {
            state = JobState.FAILED;
            reason = "unexpected error: " + JobFailure.describe(cause);
            nextStep = "check the log around this time; drop the prompt file again once the cause is fixed";
        }
        if (!journal.markFailed(job, state, reason, nextStep)) {
            LOG.info("{}: an earlier attempt ended ({}: {}); the job had been queued again meanwhile, so its new "
                     + "attempt says how it ends", job.label(), state, reason);
            return null;
        }
        LOG.warn("{}: {}: {} | next step: {}", job.label(), state, reason, nextStep);
        return state.word();
    }

    /** A job whose submit was on the wire when the process stopped: the provider may have taken it. */
    public String interruptedSubmit(@ExchangeProperty("job") Job job) {
        journal.markFailed(job, JobState.SUBMIT_UNKNOWN,
                "promptrelay stopped while the submit to " + job.provider() + " was under way; it may or may not have been accepted",
                "look for the task in your " + job.provider()
                                                                                               + " account; drop the prompt file again only if it is not there");
        LOG.warn("{}: submit interrupted by the last stop; marked submit-unknown, not resubmitted", job.label());
        return JobState.SUBMIT_UNKNOWN.word();
    }
}
