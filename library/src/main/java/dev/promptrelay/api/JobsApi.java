package dev.promptrelay.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.promptrelay.Folders;
import dev.promptrelay.provider.ProviderCatalog;
import dev.promptrelay.gallery.Thumbnails;
import dev.promptrelay.journal.Job;
import dev.promptrelay.journal.JobJournal;
import dev.promptrelay.journal.PromptFileJournal;
import dev.promptrelay.journal.PromptFileRecord;
import dev.promptrelay.prompt.PromptFileException;
import dev.promptrelay.prompt.PromptFileReader;
import dev.promptrelay.prompt.PromptFiles;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * The HTTP API: a job posted as JSON (the shape of a {@code .json} prompt file) is held and journaled like a dropped
 * file; its state and outputs can be asked for, it can be cancelled and its failed jobs retried. Every error answer
 * is JSON, {@code {"error", "what_to_do"}}, with its status: bad input is never a 500. Each call maps what the route
 * hands it (the body, the path and query parameters) to an {@link ApiReply}; the REST binding writes it as JSON. Who may
 * call it at all is {@link ApiAccess}'s to say, before.
 */
public class JobsApi {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JobsApi.class);

    private static final int MAX_LISTED = 500;
    private static final Map<String, String> MEDIA_TYPES = Map.of("png", "image/png", "jpg", "image/jpeg", "jpeg",
            "image/jpeg", "webp", "image/webp", "mp4", "video/mp4", "gif", "image/gif");

    private final HeldRequests requests;
    private final PromptFiles promptFiles;
    private final JobJournal jobs;
    private final PromptFileJournal journal;
    private final Folders folders;
    private final ProviderCatalog providers;

    private final Thumbnails thumbnails;

    public JobsApi(PromptFiles promptFiles, PromptFileReader reader, JobJournal jobs, PromptFileJournal journal, Folders folders,
                   Thumbnails thumbnails) {
        this.requests = new HeldRequests(promptFiles, reader);
        this.thumbnails = thumbnails;
        this.promptFiles = promptFiles;
        this.jobs = jobs;
        this.journal = journal;
        this.folders = folders;
        this.providers = reader.providers();
    }

    /** POST /api/jobs: 202 with the request's id, or 400 naming what is wrong; nothing is paid for a bad request. */
    public ApiReply accept(@Body Object body, @Header(Exchange.CONTENT_TYPE) String contentType) throws IOException {
        // exactly JSON: the types a browser may send to another origin without asking (text/plain, forms) never are
        if (contentType == null || !contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT)
                .equals("application/json")) {
            return ApiReply.error(415, "the body must be JSON, sent with Content-Type: application/json (it came as "
                                       + (contentType == null ? "no content type" : contentType) + ")",
                    "send the job as JSON with the header Content-Type: application/json");
        }
        byte[] json = bytes(body);
        if (new String(json, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            // "the file holds no prompt" is for a dropped file: a caller sent nothing at all
            return ApiReply.error(400, "the request has no body",
                    "send the job as a JSON object, at least {\"prompt\": \"...\"}");
        }
        PromptFileRecord record;
        try {
            record = requests.journal("api", json);
        } catch (PromptFileException bad) {
            String whatToDo = forTheApi(bad.fix());
            PromptFileRecord rejected = journal.recordRejectedRequest("api-rejected.json", bad.getMessage(), whatToDo);
            return ApiReply.of(400, new ApiError(bad.getMessage(), bad.line(), bad.field(), whatToDo, rejected.id()));
        }
        return ApiReply.of(202, new AcceptedRequest(record.id(), record.name(), record.jobCount(), "queued"));
    }

    /** GET /api/jobs/{id}: the request's state and each job's outcome, output paths and URLs. */
    public ApiReply get(@Header("id") String id) throws IOException {
        PromptFileRecord record = record(id);
        return record == null ? unknown(id) : ApiReply.of(200, JobReports.describe(journal, folders, providers, record, true));
    }

    /**
     * GET /api/jobs?state=...&provider=...&q=...&limit=...&before=...: recent requests and prompt files, newest first;
     * {@code q} finds text in a request's name or its jobs' prompts and options; {@code before} (the list's
     * {@code next_before}) pages on, so thousands are never listed at once.
     */
    public ApiReply list(@Header("state") String state, @Header("limit") String limitText,
                         @Header("before") String before, @Header("provider") String provider,
                         @Header("q") String text) throws IOException {
        int limit = 50;
        if (limitText != null && !limitText.isBlank()) {
            try {
                limit = Integer.parseInt(limitText.strip());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LISTED) {
                return ApiReply.error(400, "limit '" + limitText + "' is not a number from 1 to " + MAX_LISTED,
                        "ask for ?limit=1 to ?limit=" + MAX_LISTED + ", or leave it out for 50");
            }
        }
        if (state != null && !state.isBlank() && !JobReports.STATES.contains(state.strip())) {
            return ApiReply.error(400, "state '" + state + "' is not a request state",
                    "ask for one of ?state=" + String.join(", ?state=", JobReports.STATES));
        }
        if (before != null && !before.isBlank() && record(before.strip()) == null) {
            return ApiReply.error(400, "before '" + before + "' is not a request's id",
                    "page on with the id of the last request a listing gave you, or leave it out for the newest");
        }
        if (provider != null && !provider.isBlank() && !providers.ids().contains(provider.strip())) {
            return ApiReply.error(400, "provider '" + provider + "' is not a provider here",
                    "ask for one of ?provider=" + String.join(", ?provider=", providers.ids()));
        }
        List<RequestReport> listed = new ArrayList<>();
        PromptFileJournal.Page page = journal.recentPromptFiles(limit, blankToNull(before), blankToNull(provider),
                blankToNull(text));
        PromptFileJournal.PageDetails details = journal.detailsOf(page.files());
        for (PromptFileRecord record : page.files()) {
            RequestReport entry = JobReports.describe(journal, folders, providers, record, details);
            if (state == null || state.isBlank() || state.strip().equals(entry.state())) {
                listed.add(entry);
            }
        }
        // the state is the jobs' sum, so it is filtered after the page is read: the cursor is the page's last, shown
        // or not (for a text search, the last request it looked through)
        return ApiReply.of(200, new RequestList(listed, page.next()));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /**
     * DELETE /api/jobs/{id}: jobs not submitted yet never will be, running tasks are no longer polled (and, where the
     * provider has a call for it, are asked to stop there: see {@link #tasksToStop}); the request ends cancelled.
     */
    public ApiReply cancel(@Header("id") String id) throws IOException {
        PromptFileRecord record = record(id);
        if (record == null) {
            return unknown(id);
        }
        JobJournal.Cancellation cancellation = promptFiles.changingJobsOf(record.id(), () -> {
            JobJournal.Cancellation done = jobs.cancel(record.id());
            promptFiles.closeIfDone(record.id());
            return done;
        });
        List<String> running = cancellation.stillRunningTasks();
        List<Job> toStop = cancellation.runningJobs().stream()
                .filter(job -> providers.mapping(job.provider()).cancelCall(job) != null).toList();
        List<String> unstoppable = cancellation.runningJobs().stream().filter(job -> !toStop.contains(job))
                .map(Job::taskId).toList();
        List<String> toKnow = new ArrayList<>();
        if (!unstoppable.isEmpty()) {
            toKnow.add("tasks " + String.join(", ", unstoppable) + " were already running at a provider that has no "
                       + "call to stop them: they may still finish and be charged there");
        }
        if (!toStop.isEmpty()) {
            toKnow.add("tasks " + String.join(", ", toStop.stream().map(Job::taskId).toList()) + " were asked to stop "
                       + "at their provider (see stopped_at_provider): a provider may charge for the time they ran");
        }
        if (cancellation.submitsOnTheirWay() > 0) {
            toKnow.add(cancellation.submitsOnTheirWay() + " submit(s) were on their way to the provider: it may take "
                       + "them, and charge for them; their task ids are written to the jobs when the answers come, and "
                       + "they are not polled");
        }
        return ApiReply.of(200, new CancelledRequest(JobReports.describe(journal, folders, providers, record, false),
                cancellation.notSubmitted(), running, cancellation.submitsOnTheirWay(),
                toKnow.isEmpty() ? null : String.join("; ", toKnow),
                java.util.Collections.synchronizedList(new ArrayList<>()), toStop));
    }

    /** The running jobs of a cancel whose provider can stop their tasks: the api-job-cancel route asks it to. */
    public List<StopTask> tasksToStop(ApiReply reply) {
        if (!(reply.content() instanceof CancelledRequest cancelled)) {
            return List.of();
        }
        return cancelled.toStop().stream().map(job -> new StopTask(job, cancelled.stoppedAtProvider())).toList();
    }

    /** One task to stop at its provider, and where to say what the provider answered. */
    public record StopTask(Job job, List<String> outcomes) {
    }

    /** What the provider answered to the stop of one task. */
    public void stopAnswered(StopTask stop, int status, String body) {
        String provider = providers.mapping(stop.job().provider()).displayName();
        String line = status >= 200 && status < 300
                ? "task " + stop.job().taskId() + ": " + provider + " was asked to stop it and answered HTTP " + status
                : "task " + stop.job().taskId() + ": " + provider + " refused to stop it with HTTP " + status + ": "
                  + providers.mapping(stop.job().provider()).errorMessage(new dev.promptrelay.provider.HttpAnswer(status,
                        java.util.Map.of(), body)) + " (it may still finish and be charged there; it is not polled)";
        stop.outcomes().add(line);
        LOG.info("{}: {}", stop.job().label(), line);
    }

    /** The stop of one task got no answer. */
    public void stopUnanswered(StopTask stop, Exception cause) {
        String line = "task " + stop.job().taskId() + ": " + stop.job().provider() + " could not be reached to stop it ("
                      + cause.getMessage() + "): it may still finish and be charged there; it is not polled";
        stop.outcomes().add(line);
        LOG.warn("{}: {}", stop.job().label(), line);
    }

    /**
     * POST /api/jobs/{id}/retry: the request's failed and cancelled jobs are queued again; those whose submit outcome
     * is unknown only with {@code ?include-unknown=true}, since the provider may have taken (and charged) them; those
     * whose task had already run at the provider (cancelled while it ran) only with {@code ?pay-again=true}, since
     * running them again pays a second time.
     */
    public ApiReply retry(@Header("id") String id, @Header("include-unknown") String includeUnknownText,
                          @Header("pay-again") String payAgainText) throws IOException {
        PromptFileRecord record = record(id);
        if (record == null) {
            return unknown(id);
        }
        if ("rejected".equals(record.state())) {
            return ApiReply.error(409, "request " + record.id() + " was rejected and has no job to run again",
                    "fix what its error names and POST the job again");
        }
        boolean includeUnknown = Boolean.parseBoolean(includeUnknownText);
        boolean payAgain = Boolean.parseBoolean(payAgainText);
        JobJournal.Retry retry = promptFiles.changingJobsOf(record.id(), () -> {
            String outcome = journal.outcomeOf(record.id());
            JobJournal.Retry done = jobs.retry(record.id(), includeUnknown, payAgain);
            if (!done.requeued().isEmpty()) {
                promptFiles.reopen(journal.promptFileRecord(record.id()), outcome);
            }
            return done;
        });
        String paidBefore = paidBefore(retry.paidBefore());
        if (retry.requeued().isEmpty()) {
            if (paidBefore != null) {
                return ApiReply.error(409, paidBefore + ": running " + (retry.paidBefore().size() == 1 ? "it" : "them")
                                           + " again pays a second time, so nothing was queued",
                        "POST /api/jobs/" + record.id() + "/retry?pay-again=true to run "
                        + (retry.paidBefore().size() == 1 ? "it" : "them") + " again and pay a second time");
            }
            return ApiReply.error(409, "request " + record.id() + " has no failed or cancelled job to run again"
                                       + (includeUnknown ? "" : " (jobs whose submit outcome is unknown are retried "
                                                                + "only with ?include-unknown=true)"),
                    "GET /api/jobs/" + record.id() + " shows each job's state");
        }
        String whatToKnow = paidBefore == null ? null
                : payAgain ? paidBefore + ": submitted again, so paid a second time"
                : paidBefore + ": left as they are, since running them again pays a second time (?pay-again=true "
                  + "runs them)";
        return ApiReply.of(202, new RetriedRequest(JobReports.describe(journal, folders, providers,
                journal.promptFileRecord(record.id()), false), retry.requeued().size(), whatToKnow));
    }

    /** The jobs whose tasks ran at the provider before they ended here, said for the caller; null for none. */
    private static String paidBefore(List<Job> jobs) {
        if (jobs.isEmpty()) {
            return null;
        }
        return (jobs.size() == 1 ? "job " : "jobs ") + String.join(", ", jobs.stream()
                .map(job -> "#" + job.seq() + (job.taskId() != null ? " (task " + job.taskId() + " at " + job.provider() + ")"
                        : " (its submit to " + job.provider() + " was on its way when it was cancelled and its answer "
                          + "is not in: if " + job.provider() + " refuses it, a retry a moment later runs it without "
                          + "paying twice)")).toList())
               + (jobs.size() == 1 ? " had already run at the provider, or may have" : " had already run at their "
                                                                                      + "provider, or may have");
    }

    /** GET /api/jobs/{id}/outputs/{n}: the n-th output (from 1, in the order of outputs), to stream. */
    public ApiReply output(@Header("id") String id, @Header("n") String nText) throws IOException {
        Object found = outputFile(id, nText);
        if (found instanceof ApiReply error) {
            return error;
        }
        return stored((Path) found);
    }

    /** A file of the outbox to stream, with the media type its name says. */
    private static ApiReply stored(Path file) throws IOException {
        String name = file.getFileName().toString();
        return ApiReply.of(200, new StoredOutput(file, MEDIA_TYPES.getOrDefault(
                name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT), "application/octet-stream"),
                Files.size(file)));
    }

    /** GET /api/jobs/{id}/outputs/{n}/thumbnail: a small JPEG of an image output, for the gallery. */
    public ApiReply thumbnail(@Header("id") String id, @Header("n") String nText) throws IOException {
        Object found = outputFile(id, nText);
        if (found instanceof ApiReply error) {
            return error;
        }
        Path thumbnail = thumbnails.of((Path) found);
        if (thumbnail == null) {
            return ApiReply.error(404, "output " + nText + " of request " + id + " is not an image a thumbnail can be "
                                       + "made of", "open the output itself: /api/jobs/" + id + "/outputs/" + nText);
        }
        // an image no larger than a thumbnail is its own
        return thumbnail.equals(found) ? stored(thumbnail)
                : ApiReply.of(200, new StoredOutput(thumbnail, "image/jpeg", Files.size(thumbnail)));
    }

    /**
     * GET /api/jobs/{id}/outputs/{n}/sidecar: what was asked for and answered for this output (prompt, provider, model,
     * seed, size, task), the {@code .json} written beside it in the outbox.
     */
    public ApiReply sidecar(@Header("id") String id, @Header("n") String nText) throws IOException {
        Object found = outputFile(id, nText);
        if (found instanceof ApiReply error) {
            return error;
        }
        Path sidecar = ((Path) found).resolveSibling(((Path) found).getFileName() + ".json");
        if (!Files.isRegularFile(sidecar)) {
            return ApiReply.error(410, "the description of output " + nText + " of request " + id + " is no longer at "
                                       + sidecar, "it was moved or deleted from the outbox");
        }
        return ApiReply.of(200, new StoredOutput(sidecar, "application/json", Files.size(sidecar)));
    }

    /** The n-th output's file, or the error reply that says why there is none. */
    private Object outputFile(String id, String nText) throws IOException {
        PromptFileRecord record = record(id);
        if (record == null) {
            return unknown(id);
        }
        List<String> outputs = JobReports.describe(journal, folders, providers, record, false).outputs();
        int n;
        try {
            n = Integer.parseInt(nText);
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > outputs.size()) {
            return ApiReply.error(404, "request " + record.id() + " has no output " + nText + " (it has "
                                       + outputs.size() + ")",
                    "ask for /outputs/1 to /outputs/" + outputs.size() + ", in the order of outputs");
        }
        Path file = Path.of(outputs.get(n - 1));
        if (!Files.isRegularFile(file)) {
            return ApiReply.error(410, "output " + n + " of request " + record.id() + " is no longer at " + file,
                    "it was moved or deleted from the outbox");
        }
        return file;
    }

    /** The body as it came: the server hands JSON over as bytes, text or a stream. */
    private static byte[] bytes(Object body) throws IOException {
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof byte[] raw) {
            return raw;
        }
        if (body instanceof java.io.InputStream in) {
            return in.readAllBytes();
        }
        return body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private PromptFileRecord record(String id) throws IOException {
        return id == null ? null : journal.promptFileRecord(id);
    }

    private static ApiReply unknown(String id) {
        return ApiReply.error(404, "no job request " + id,
                "use the id POST /api/jobs answered, or list them with GET /api/jobs");
    }

    /** The file-validation advice, said for a caller of the API. */
    static String forTheApi(String fix) {
        return fix == null ? null : fix
                .replace("drop the file into the inbox again", "send it again")
                .replace("drop it into the inbox again", "send it again")
                .replace("drop the file again", "send it again")
                .replace("drop the prompt file again", "send it again");
    }
}
