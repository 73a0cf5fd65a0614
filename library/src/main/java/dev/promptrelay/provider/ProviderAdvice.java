package dev.promptrelay.provider;

import java.time.Duration;

import dev.promptrelay.journal.Job;
import dev.promptrelay.journal.JobFailure;
import dev.promptrelay.journal.JobState;
import org.apache.camel.RuntimeCamelException;

/**
 * What the user is told when a provider call ends a job: what went wrong, in the provider's own words where it gave
 * any, and what to do next. Every such text is here; the routes name the situation.
 */
public class ProviderAdvice {

    /** A submit the provider did not take, or may have taken: what happened, for the log and the job's error. */
    public static final class Refusal {
        private final String what;
        private final boolean busy;

        Refusal(String what, boolean busy) {
            this.what = what;
            this.busy = busy;
        }

        public String getWhat() {
            return what;
        }

        @Override
        public String toString() {
            return what;
        }
    }

    private final ProviderCatalog providers;
    private final Duration pollTimeout;
    private final Duration videoPollTimeout;

    /** By provider, the last reason a request could not reach it: what an open circuit breaker is reported with. */
    private final java.util.Map<String, String> lastConnectionFailure = new java.util.concurrent.ConcurrentHashMap<>();

    public ProviderAdvice(ProviderCatalog providers, Duration pollTimeout, Duration videoPollTimeout) {
        this.providers = providers;
        this.pollTimeout = pollTimeout;
        this.videoPollTimeout = videoPollTimeout;
    }

    // --- submit ---

    /**
     * The request never reached the provider: refused, no such host, or its circuit breaker open. An open breaker is
     * only why it was not tried again: the reason given is the connection failure that opened it.
     */
    public Refusal notConnected(Job job, Throwable cause) {
        if (isOpenBreaker(cause)) {
            String opened = lastConnectionFailure.get(job.provider());
            return new Refusal("could not connect to " + name(job) + " ("
                               + (opened != null ? opened : "it failed repeatedly") + "; its circuit breaker is open, "
                               + "so it is left alone for promptrelay.circuit-breaker.open-seconds before one request "
                               + "tries it again)", false);
        }
        String failure = describe(cause);
        lastConnectionFailure.put(job.provider(), failure);
        return new Refusal("could not connect to " + name(job) + " (" + failure + ")", false);
    }

    private static boolean isOpenBreaker(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof io.github.resilience4j.circuitbreaker.CallNotPermittedException) {
                return true;
            }
        }
        return false;
    }

    /** Sent, but no answer came back. */
    public Refusal unanswered(Job job, Throwable cause) {
        return new Refusal(describe(cause), false);
    }

    /** No try left for a submit the provider did not take: nothing was charged. */
    public void submitGaveUp(Job job, Refusal refusal, int tries) {
        if (refusal.busy) {
            throw JobFailure.failed(refusal.what + " (gave up after " + tries + " tries)",
                    "nothing was charged for this job; drop the prompt file into the inbox again later");
        }
        throw JobFailure.failed(refusal.what + " after " + tries + " tries",
                "check promptrelay." + job.provider() + ".base-url and the network, then drop the prompt file again");
    }

    /** A submit that may or may not have been taken is never sent again on our own: the user would pay twice. */
    public void submitUnknown(Job job, Refusal refusal) {
        throw new JobFailure(JobState.SUBMIT_UNKNOWN,
                "the submit to " + name(job) + " may or may not have been accepted (" + refusal.what + ")",
                "look for the task in your " + name(job) + " account; drop the prompt file again only if it is not "
                + "there, or set promptrelay.retry-ambiguous-submit=true to accept the risk of paying twice");
    }

    JobFailure submitWithoutTaskId(Job job, int status, String message) {
        return new JobFailure(JobState.SUBMIT_UNKNOWN,
                name(job) + " answered the submit with HTTP " + status + " but no task id: " + message,
                "check your " + name(job) + " task list before submitting this prompt again, so you do not pay twice");
    }

    /** A redirect is an answer in itself: the provider created nothing at this address. */
    public void submitRedirected(Job job, int status, String location) {
        throw JobFailure.failed(name(job) + " answered the submit with HTTP " + status
                                + (location == null ? "" : " to " + location) + " instead of taking it",
                "nothing was charged; point promptrelay." + job.provider() + ".base-url at the provider's current "
                + "address, then drop the prompt file again");
    }

    /** Refused for what the job asks: the same request would be refused again. */
    public void submitRejected(Job job, int status, String body) {
        ProviderMapping mapping = mapping(job);
        String advice = mapping.adviceFor(status);
        if (advice == null) {
            advice = status == 401 || status == 403
                    ? "check promptrelay." + job.provider() + ".api-key, then drop the prompt file again"
                    : "fix what the message names, then drop the prompt file again";
        }
        throw JobFailure.failed(name(job) + " rejected the job with HTTP " + status + ": " + message(job, status, body),
                advice);
    }

    // --- poll ---

    /** The provider refused to report the task (other than 429 or 5xx): it will not report it later either. */
    public void pollRefused(Job job, int status, String body) {
        throw JobFailure.failed(name(job) + " refused to report task " + job.taskId() + " with HTTP " + status + ": "
                                + message(job, status, body),
                "the task may still finish at " + name(job) + " under task id " + job.taskId()
                + (status == 401 || status == 403 ? "; check promptrelay." + job.provider() + ".api-key" : "")
                + "; look for it in your account there before dropping the prompt file again");
    }

    /** A task that ended without success, or did not end in time: in the provider's own words. */
    public void taskEnded(Job job, TaskWatch watch) {
        if (watch.timedOut()) {
            boolean video = job.spec().wantsVideo();
            throw JobFailure.failed("task " + job.taskId() + " did not end within "
                                    + (video ? videoPollTimeout : pollTimeout).toSeconds() + " s (last status: "
                                    + watch.report().providerStatus() + ")",
                    "the task may still finish at " + name(job) + " under task id " + job.taskId()
                    + "; raise promptrelay.poll." + (video ? "video-timeout-seconds" : "timeout-seconds")
                    + " for slow models");
        }
        throw JobFailure.failed(name(job) + " ended task " + job.taskId() + " as " + watch.report().providerStatus()
                                + ": " + watch.report().message(),
                "change the prompt or its settings if the message asks for it, "
                + "then drop the prompt file into the inbox again");
    }

    // --- download ---

    /** The provider gave no link for an output it names by id (it may a moment later). */
    public String noLink(Job job, TaskOutput output, int status, String body) {
        return name(job) + " did not give a download link for output " + output.reference() + " of task "
               + job.taskId() + " (HTTP " + status + ": " + message(job, status, body) + ")";
    }

    /** Refused to give a link: the outputs are still in the user's account. */
    public void linkRefused(Job job, TaskOutput output, int status, String body) {
        throw JobFailure.failed(noLink(job, output, status, body),
                "the task succeeded, so its results were made (and paid for): they are " + output.reference()
                + " of task " + job.taskId() + " in your " + name(job) + " account; download them there");
    }

    public String downloadRefused(Job job, TaskOutput output, int status, String body) {
        return "the download of output " + (output.index() + 1) + " of task " + job.taskId() + " answered HTTP " + status
               + " (" + ProviderJson.shortBody(body) + ")";
    }

    public String downloadBroke(Job job, Throwable cause) {
        return "the download of a result of task " + job.taskId() + " broke off (" + describe(cause) + ")";
    }

    /** A result the provider made (and the user paid for) could not be fetched: where it still is, or was. */
    public void downloadGaveUp(Job job, TaskOutput output, String problem, DownloadAttempts attempts) {
        String reason = problem + (attempts.getAttempts() > 1 ? " after " + attempts.getAttempts() + " tries" : "");
        if (output.reference() != null) {
            throw JobFailure.failed(reason, "the result was made (and paid for) and is still " + output.reference()
                                            + " of task " + job.taskId() + " in your " + name(job)
                                            + " account; download it there");
        }
        if (attempts.wasDiskRefused()) {
            throw JobFailure.failed(reason, "the result was made (and paid for) as task " + job.taskId() + " at "
                                            + name(job) + ", but the disk could not take it before its link expired: "
                                            + "look for it in your account there, and free space in the outbox and the "
                                            + "state directory");
        }
        throw JobFailure.failed(reason, "the result was made (and paid for) as task " + job.taskId() + " at " + name(job)
                                        + ", but its download failed (result links expire soon after a task ends): look "
                                        + "for it in your account there before dropping the prompt file again");
    }

    // --- plumbing ---

    /** An exception as one line for users, under the wrappers Camel and the circuit breaker put around it. */
    public String describe(Throwable cause) {
        Throwable root = cause;
        while (root instanceof RuntimeCamelException && root.getCause() != null) {
            root = root.getCause();
        }
        return JobFailure.describe(root);
    }

    private String message(Job job, int status, String body) {
        return mapping(job).errorMessage(new HttpAnswer(status, java.util.Map.of(), body));
    }

    private String name(Job job) {
        return mapping(job).displayName();
    }

    private ProviderMapping mapping(Job job) {
        return providers.mapping(job.provider());
    }
}
