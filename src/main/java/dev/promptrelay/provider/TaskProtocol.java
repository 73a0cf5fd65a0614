package dev.promptrelay.provider;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.promptrelay.journal.Job;
import dev.promptrelay.journal.JobFailure;
import dev.promptrelay.journal.JobState;
import dev.promptrelay.observe.JobMetrics;
import dev.promptrelay.prompt.InputImages;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the submit, poll and store routes ask of a provider: the HTTP request to send next, and what the answer
 * means. The job's provider mapping supplies every provider-specific detail.
 */
public class TaskProtocol {

    public static final String JOB = "job";
    public static final String SUBMISSION = "submission";
    public static final String TASK = "task";
    static final String SUBMIT_ANSWERED_AT = "submitAnsweredAt";
    public static final String OUTPUT = "output";
    public static final String DOWNLOAD = "download";
    /** The call just sent, so a redirect can be followed from it; and that redirect, with its hop count. */
    private static final String SENT = "providerCallSent";
    private static final String REDIRECT = "providerRedirect";
    private static final String REDIRECT_HOPS = "providerRedirectHops";

    private static final Logger LOG = LoggerFactory.getLogger(TaskProtocol.class);
    private static final long MIN_POLL_STEP_MILLIS = 25;

    private final ProviderCatalog providers;
    private final int maxSubmitAttempts;
    private final Duration pollTimeout;
    private final Duration notFoundGrace;
    private final long firstPollDelayMillis;
    private final long maxPollDelayMillis;
    private final boolean retryAmbiguousSubmit;
    private final int downloadMaxRetries;
    private final Duration videoPollTimeout;
    private final ProviderPacing pacing;
    private final JobMetrics metrics;
    private final TaskDurations durations;
    private final InputImages inputImages;

    public TaskProtocol(ProviderCatalog providers, ProviderPacing pacing, JobMetrics metrics, TaskDurations durations,
                        InputImages inputImages, int maxSubmitAttempts,
                        Duration pollTimeout,
                        Duration videoPollTimeout, Duration notFoundGrace, long firstPollDelayMillis,
                        long maxPollDelayMillis, boolean retryAmbiguousSubmit, int downloadMaxRetries) {
        this.providers = providers;
        this.pacing = pacing;
        this.metrics = metrics;
        this.durations = durations;
        this.inputImages = inputImages;
        this.videoPollTimeout = videoPollTimeout;
        this.downloadMaxRetries = downloadMaxRetries;
        this.retryAmbiguousSubmit = retryAmbiguousSubmit;
        this.maxSubmitAttempts = maxSubmitAttempts;
        this.pollTimeout = pollTimeout;
        this.notFoundGrace = notFoundGrace;
        this.firstPollDelayMillis = firstPollDelayMillis;
        this.maxPollDelayMillis = maxPollDelayMillis;
    }

    // --- submit ---

    public void startSubmission(Exchange exchange) {
        exchange.setProperty(SUBMISSION, new SubmitAttempts(maxSubmitAttempts));
    }

    public void submitRequest(Exchange exchange) {
        Job job = job(exchange);
        exchange.getProperty(SUBMISSION, SubmitAttempts.class).started();
        // a kept local picture goes out as a data URI; the journal keeps only its name
        send(exchange, mapping(job).submitCall(job.withSpec(inputImages.asSent(job.spec()))));
    }

    /** Reads the answer to a submit: the task id, a refusal worth another try, or the end of the job. */
    public void submitAnswer(Exchange exchange) {
        Job job = job(exchange);
        ProviderMapping mapping = mapping(job);
        HttpAnswer answer = mapping.interpret(answer(exchange));
        SubmitAttempts attempts = exchange.getProperty(SUBMISSION, SubmitAttempts.class);
        int status = answer.status();
        if (answer.ok()) {
            String taskId = mapping.taskIdFrom(answer);
            if (taskId == null) {
                throw new JobFailure(JobState.SUBMIT_UNKNOWN,
                        mapping.displayName() + " answered the submit with HTTP " + status
                                                              + " but no task id: " + mapping.errorMessage(answer),
                        "check your " + mapping.displayName()
                                                                                    + " task list before submitting this prompt again, so you do not pay twice");
            }
            exchange.setProperty("taskId", taskId);
            exchange.setProperty(SUBMIT_ANSWERED_AT, Instant.now());
            metrics.submitted(job.provider());
            return;
        }
        metrics.submitRefused(job.provider(), status);
        String message = mapping.errorMessage(answer);
        if (status == 429 || status == 503) {
            String refusal = mapping.displayName() + " refused the submit with HTTP " + status + ": " + message;
            Duration asked = RetryAfter.of(answer, Instant.now());
            if (asked != null) {
                pacing.holdOff(job.provider(), asked);
            }
            if (attempts.retryLater(asked)) {
                metrics.retried(job.provider(), "submit");
                LOG.warn("{}: {}; trying again in {} ms", job.label(), refusal, attempts.getWaitMillis());
                return;
            }
            throw JobFailure.failed(refusal + " (gave up after " + attempts.getAttempts() + " tries)",
                    "nothing was charged for this job; drop the prompt file into the inbox again later");
        }
        if (Redirects.isRedirect(status)) {
            // a redirect is an answer in itself: the provider created nothing at this address
            String location = answer.header("Location");
            throw JobFailure.failed(mapping.displayName() + " answered the submit with HTTP " + status
                                    + (location == null ? "" : " to " + location) + " instead of taking it",
                    "nothing was charged; point promptrelay." + mapping.id() + ".base-url at the provider's current "
                    + "address, then drop the prompt file again");
        }
        if (status >= 400 && status < 500) {
            String advice = mapping.adviceFor(status);
            if (advice == null) {
                advice = status == 401 || status == 403
                        ? "check promptrelay." + mapping.id() + ".api-key, then drop the prompt file again"
                        : "fix what the message names, then drop the prompt file again";
            }
            throw JobFailure.failed(mapping.displayName() + " rejected the job with HTTP " + status + ": " + message,
                    advice);
        }
        if (retryAmbiguousSubmit && attempts.retryLater(null)) {
            LOG.warn("{}: submit answered HTTP {}; submitting again as promptrelay.retry-ambiguous-submit is true",
                    job.label(), status);
            return;
        }
        throw unknownOutcome(mapping, "HTTP " + status + ": " + message);
    }

    /** The connection was refused: the request never reached the provider, so trying again cannot pay twice. */
    public void submitNotDelivered(Exchange exchange) {
        Job job = job(exchange);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        SubmitAttempts attempts = exchange.getProperty(SUBMISSION, SubmitAttempts.class);
        String refusal = "could not connect to " + mapping(job).displayName() + " (" + JobFailure.describe(cause) + ")";
        metrics.unanswered(job.provider(), refusal);
        if (attempts.retryLater(null)) {
            LOG.warn("{}: {}; trying again in {} ms", job.label(), refusal, attempts.getWaitMillis());
            return;
        }
        throw JobFailure.failed(refusal + " after " + attempts.getAttempts() + " tries",
                "check promptrelay." + job.provider() + ".base-url and the network, then drop the prompt file again");
    }

    /** The request may have reached the provider but no answer came back: never resubmit blindly. */
    public void submitUnanswered(Exchange exchange) {
        Job job = job(exchange);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        SubmitAttempts attempts = exchange.getProperty(SUBMISSION, SubmitAttempts.class);
        metrics.unanswered(job.provider(), "submit unanswered: " + JobFailure.describe(cause));
        if (retryAmbiguousSubmit && attempts.retryLater(null)) {
            LOG.warn("{}: submit got no answer ({}); submitting again as promptrelay.retry-ambiguous-submit is true",
                    job.label(), JobFailure.describe(cause));
            return;
        }
        throw unknownOutcome(mapping(job), JobFailure.describe(cause));
    }

    private static JobFailure unknownOutcome(ProviderMapping mapping, String what) {
        return new JobFailure(JobState.SUBMIT_UNKNOWN,
                "the submit to " + mapping.displayName() + " may or may not have been accepted (" + what + ")",
                "look for the task in your " + mapping.displayName()
                                                                                   + " account; drop the prompt file again only if it is not there, "
                                                                                   + "or set promptrelay.retry-ambiguous-submit=true to accept the risk of paying twice");
    }

    // --- poll ---

    public void startPolling(Exchange exchange) {
        Job job = job(exchange);
        Duration timeout = job.spec().wantsVideo() ? videoPollTimeout : pollTimeout;
        PollPlan plan = PollPlan.from(durations.recent(job.provider(), job.model()), MIN_POLL_STEP_MILLIS,
                maxPollDelayMillis);
        TaskWatch watch = new TaskWatch(job.submittedAt(), timeout, notFoundGrace, firstPollDelayMillis,
                maxPollDelayMillis, plan);
        // how long the submit took to answer: the provider's clock for the task started somewhere in between
        watch.submitAnswered(exchange.getProperty(SUBMIT_ANSWERED_AT, Instant.class));
        exchange.setProperty(TASK, watch);
    }

    /** The provider asked every job to hold off after this one's delay was set: poll as soon as it allows. */
    public void pollHeldOff(Exchange exchange) {
        exchange.getProperty(TASK, TaskWatch.class).heldOff();
    }

    /** Likewise for a submit waiting its turn. */
    public void submitHeldOff(Exchange exchange) {
        exchange.getProperty(SUBMISSION, SubmitAttempts.class).heldOff();
    }

    public void pollRequest(Exchange exchange) {
        Job job = job(exchange);
        ProviderCall redirected = takeRedirect(exchange);
        send(exchange, redirected != null ? redirected : mapping(job).pollCall(job.taskId()));
    }

    public void pollAnswer(Exchange exchange) {
        Job job = job(exchange);
        ProviderMapping mapping = mapping(job);
        TaskWatch watch = exchange.getProperty(TASK, TaskWatch.class);
        HttpAnswer answer = mapping.interpret(answer(exchange));
        int status = answer.status();
        metrics.polled(job.provider(), status);
        if (Redirects.isRedirect(status)) {
            if (followRedirect(exchange, answer, mapping)) {
                watch.askAgainNow();
            } else {
                // a redirect that cannot be followed says nothing about the task: ask again later
                LOG.info("{}: poll answered HTTP {} without a usable Location; polling again later", job.label(), status);
                watch.unanswered();
            }
            return;
        }
        if (answer.ok()) {
            TaskReport report = mapping.readPoll(answer);
            if (report.status() == TaskStatus.UNKNOWN && watch.report().status() != TaskStatus.UNKNOWN) {
                LOG.info("{}: {} reported the unknown status '{}'; still polling", job.label(), mapping.displayName(),
                        report.providerStatus());
            }
            watch.polled(report);
            if (watch.isEnded() && job.submittedAt() != null) {
                metrics.taskDuration(job.provider(), Duration.between(job.submittedAt(), Instant.now()));
            }
            return;
        }
        String message = mapping.errorMessage(answer);
        if (status == 429 || status >= 500) {
            watch.unanswered();
            Duration wait = RetryAfter.of(answer, Instant.now());
            if (wait != null) {
                pacing.holdOff(job.provider(), wait);
                watch.waitAtLeast(wait);
            }
            LOG.debug("{}: poll answered HTTP {} ({}); polling again", job.label(), status, message);
            return;
        }
        watch.unanswered();
        watch.fail(mapping.displayName() + " refused to report task " + job.taskId() + " with HTTP " + status + ": "
                   + message);
    }

    public void pollNotAnswered(Exchange exchange) {
        TaskWatch watch = exchange.getProperty(TASK, TaskWatch.class);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        metrics.unanswered(job(exchange).provider(), "poll unanswered: " + JobFailure.describe(cause));
        metrics.retried(job(exchange).provider(), "poll");
        LOG.debug("{}: poll failed ({}); polling again", job(exchange).label(), JobFailure.describe(cause));
        watch.unanswered();
    }

    /** Ends a job whose task did not succeed, with the provider's own words. */
    public void taskFailed(Exchange exchange) {
        Job job = job(exchange);
        ProviderMapping mapping = mapping(job);
        TaskWatch watch = exchange.getProperty(TASK, TaskWatch.class);
        if (watch.timedOut()) {
            boolean video = job.spec().wantsVideo();
            throw JobFailure.failed("task " + job.taskId() + " did not end within "
                                    + (video ? videoPollTimeout : pollTimeout).toSeconds() + " s (last status: "
                                    + watch.report().providerStatus() + ")",
                    "the task may still finish at " + mapping.displayName() + " under task id " + job.taskId()
                    + "; raise promptrelay.poll." + (video ? "video-timeout-seconds" : "timeout-seconds")
                    + " for slow models");
        }
        String reason = watch.failure() != null ? watch.failure()
                : mapping.displayName() + " ended task " + job.taskId() + " as " + watch.report().providerStatus()
                  + ": " + watch.report().message();
        throw JobFailure.failed(reason, "change the prompt or its settings if the message asks for it, "
                                        + "then drop the prompt file into the inbox again");
    }

    // --- download ---

    public void startDownload(Exchange exchange) {
        TaskOutput output = exchange.getProperty(OUTPUT, TaskOutput.class);
        exchange.setProperty(DOWNLOAD, new DownloadAttempts(downloadMaxRetries, output.url() == null));
    }

    public void nextDownloadAttempt(Exchange exchange) {
        exchange.getProperty(DOWNLOAD, DownloadAttempts.class).started();
    }

    /** Asks the provider for a fresh download URL of an output it names by id. */
    public void linkRequest(Exchange exchange) {
        Job job = job(exchange);
        TaskOutput output = exchange.getProperty(OUTPUT, TaskOutput.class);
        ProviderCall redirected = takeRedirect(exchange);
        send(exchange, redirected != null ? redirected : mapping(job).linkCall(output));
    }

    public void linkAnswer(Exchange exchange) {
        Job job = job(exchange);
        ProviderMapping mapping = mapping(job);
        TaskOutput output = exchange.getProperty(OUTPUT, TaskOutput.class);
        DownloadAttempts attempts = exchange.getProperty(DOWNLOAD, DownloadAttempts.class);
        HttpAnswer answer = mapping.interpret(answer(exchange));
        if (Redirects.isRedirect(answer.status()) && followRedirect(exchange, answer, mapping)) {
            attempts.askAgainNow();
            return;
        }
        TaskOutput linked = answer.ok() ? mapping.linked(output, answer) : null;
        if (linked != null) {
            exchange.setProperty(OUTPUT, linked);
            attempts.markLinked();
            return;
        }
        String problem = mapping.displayName() + " did not give a download link for output " + output.reference()
                         + " of task " + job.taskId() + " (HTTP " + answer.status() + ": "
                         + mapping.errorMessage(answer) + ")";
        if ((answer.ok() || answer.status() == 429 || answer.status() >= 300 && answer.status() < 400
             || answer.status() >= 500) && attempts.retryLater()) {
            LOG.warn("{}: {}; trying again in {} ms", job.label(), problem, attempts.getWaitMillis());
            return;
        }
        throw JobFailure.failed(problem, "the task succeeded, so its results were made (and paid for): they are "
                                         + output.reference() + " of task " + job.taskId() + " in your "
                                         + mapping.displayName() + " account; download them there");
    }

    public void downloadRequest(Exchange exchange) {
        Job job = job(exchange);
        TaskOutput output = exchange.getProperty(OUTPUT, TaskOutput.class);
        ProviderCall redirected = takeRedirect(exchange);
        send(exchange, redirected != null ? redirected : mapping(job).downloadCall(output));
    }

    /** A 2xx leaves the content streaming on the message; a refusal gets a fresh link once, or a later try. */
    public void downloadAnswer(Exchange exchange) throws java.io.IOException {
        Job job = job(exchange);
        ProviderMapping mapping = mapping(job);
        TaskOutput output = exchange.getProperty(OUTPUT, TaskOutput.class);
        DownloadAttempts attempts = exchange.getProperty(DOWNLOAD, DownloadAttempts.class);
        Message message = exchange.getMessage();
        Integer status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status != null && status >= 200 && status < 300) {
            attempts.markFetched();
            return;
        }
        String body = errorBody(message);
        if (status != null && Redirects.isRedirect(status)) {
            message.removeHeader("Authorization");
            Map<String, String> headers = new LinkedHashMap<>();
            message.getHeaders().forEach((k, v) -> headers.put(k, String.valueOf(v)));
            if (followRedirect(exchange, new HttpAnswer(status, headers, body), mapping)) {
                attempts.askAgainNow();
                return;
            }
        }
        String problem = "the download of output " + (output.index() + 1) + " of task " + job.taskId()
                         + " answered HTTP " + status + " (" + ProviderJson.shortBody(body) + ")";
        if (status != null && status >= 400 && status < 500 && status != 429 && output.reference() != null
            && attempts.relink()) {
            LOG.info("{}: {}; asking {} for a fresh link", job.label(), problem, mapping.displayName());
            return;
        }
        if ((status == null || status == 429 || status >= 500 || Redirects.isRedirect(status)) && attempts.retryLater()) {
            metrics.retried(job.provider(), "download");
            LOG.warn("{}: {}; trying again in {} ms", job.label(), problem, attempts.getWaitMillis());
            return;
        }
        if (output.reference() != null) {
            throw JobFailure.failed(problem + ", even with a fresh link",
                    "the result was made (and paid for) and is still " + output.reference() + " of task "
                    + job.taskId() + " in your " + mapping.displayName() + " account; download it there");
        }
        throw JobFailure.failed(problem, lostResultStep(job, attempts));
    }

    public void downloadWritten(Exchange exchange) {
        exchange.getProperty(DOWNLOAD, DownloadAttempts.class).markWritten();
    }

    /**
     * The connection broke before or while the content arrived, or the disk refused the file: a partial file was
     * never moved into place. A result refused by the disk was produced and paid for, so it is downloaded again for as
     * long as the provider serves it (at once where the outbox failed: it is kept in the state directory then).
     */
    public void downloadInterrupted(Exchange exchange) {
        Job job = job(exchange);
        DownloadAttempts attempts = exchange.getProperty(DOWNLOAD, DownloadAttempts.class);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        // the broken stream must not stay on the message
        exchange.getMessage().setBody(null);
        if (cause instanceof dev.promptrelay.output.AtomicFiles.WriteFailed refused) {
            attempts.diskRefused();
            LOG.warn("{}: the result of task {} could not be written ({}); downloading it again in {} ms", job.label(),
                    job.taskId(), refused.getMessage(), attempts.getWaitMillis());
            return;
        }
        String problem = "the download of a result of task " + job.taskId() + " broke off ("
                         + JobFailure.describe(cause) + ")";
        if (attempts.retryLater()) {
            metrics.retried(job.provider(), "download");
            LOG.warn("{}: {}; trying again in {} ms", job.label(), problem, attempts.getWaitMillis());
            return;
        }
        throw JobFailure.failed(problem + " after " + attempts.getAttempts() + " tries", lostResultStep(job, attempts));
    }

    /** What to do about a result the provider made but that could not be downloaded. */
    private String lostResultStep(Job job, DownloadAttempts attempts) {
        if (attempts.wasDiskRefused()) {
            return "the result was made (and paid for) as task " + job.taskId() + " at "
                   + mapping(job).displayName() + ", but the disk could not take it before its link expired: look for "
                   + "it in your account there, and free space in the outbox and the state directory";
        }
        return "the result was made (and paid for) as task " + job.taskId() + " at " + mapping(job).displayName()
               + ", but its download failed (result links expire soon after a task ends): look for it in your account "
               + "there before dropping the prompt file again";
    }

    /** At most a few KB of an error answer, and the connection released: such bodies are never worth more. */
    private static String errorBody(Message message) throws java.io.IOException {
        Object body = message.getBody();
        if (body instanceof java.io.InputStream in) {
            String text;
            try (in) {
                text = new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8);
            }
            // a closed stream must not stay on the message: the next step would try to read it
            message.setBody(text);
            return text;
        }
        String text = message.getBody(String.class);
        return text == null ? "" : text;
    }

    // --- plumbing ---

    private ProviderMapping mapping(Job job) {
        return providers.mapping(job.provider());
    }

    private static Job job(Exchange exchange) {
        return exchange.getProperty(JOB, Job.class);
    }

    /**
     * Follows a redirect from the call just sent: the next request of this step goes to its Location (credentials
     * only where that is the provider's own host), a few hops at most.
     *
     * @return false when the redirect cannot be followed: no usable Location, or too many hops
     */
    private boolean followRedirect(Exchange exchange, HttpAnswer answer, ProviderMapping mapping) {
        ProviderCall sent = exchange.getProperty(SENT, ProviderCall.class);
        int hops = exchange.getProperty(REDIRECT_HOPS, 0, Integer.class);
        ProviderCall next = sent == null || hops >= Redirects.MAX_HOPS ? null
                : Redirects.follow(sent, answer, mapping.settings().baseUrl());
        if (next == null) {
            exchange.removeProperty(REDIRECT_HOPS);
            return false;
        }
        LOG.debug("{}: HTTP {} to {}; following", job(exchange).label(), answer.status(), next.url());
        exchange.setProperty(REDIRECT, next);
        exchange.setProperty(REDIRECT_HOPS, hops + 1);
        return true;
    }

    /** The redirect to follow with the next request, if the last answer was one; null otherwise. */
    private static ProviderCall takeRedirect(Exchange exchange) {
        ProviderCall next = exchange.getProperty(REDIRECT, ProviderCall.class);
        exchange.removeProperty(REDIRECT);
        if (next == null) {
            exchange.removeProperty(REDIRECT_HOPS);
        }
        return next;
    }

    /** Puts a call on the message for the camel-http endpoint: method, URL, headers and body, nothing else. */
    private static void send(Exchange exchange, ProviderCall call) {
        exchange.setProperty(SENT, call);
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_METHOD, call.method());
        message.setHeader(Exchange.HTTP_URI, call.url());
        call.headers().forEach(message::setHeader);
        message.setBody(call.body());
    }

    private static HttpAnswer answer(Exchange exchange) {
        Message message = exchange.getMessage();
        // the request's credentials must not travel further with the message
        message.removeHeader("Authorization");
        Integer status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        Map<String, String> headers = new LinkedHashMap<>();
        message.getHeaders().forEach((k, v) -> {
            if (v != null && !k.startsWith("Camel")) {
                headers.put(k, v.toString());
            }
        });
        return new HttpAnswer(status == null ? 0 : status, headers, message.getBody(String.class));
    }
}
