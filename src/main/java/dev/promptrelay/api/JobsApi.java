package dev.promptrelay.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptrelay.Json;
import dev.promptrelay.Folders;
import dev.promptrelay.journal.JobJournal;
import dev.promptrelay.journal.PromptFileJournal;
import dev.promptrelay.journal.PromptFileRecord;
import dev.promptrelay.prompt.PromptFileException;
import dev.promptrelay.prompt.PromptFileReader;
import dev.promptrelay.prompt.PromptFiles;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The HTTP API: a job posted as JSON (the shape of a {@code .json} prompt file) is held and journaled like a dropped
 * file; its state and outputs can be asked for, it can be cancelled and its failed jobs retried. Every error answer
 * is JSON, {@code {"error", "what_to_do"}}, with its status: bad input is never a 500. Who may call it is
 * {@link ApiAccess}'s to say.
 */
public class JobsApi {

    private static final ObjectMapper JSON = Json.MAPPER;
    private static final int MAX_LISTED = 500;
    private static final Map<String, String> MEDIA_TYPES = Map.of("png", "image/png", "jpg", "image/jpeg", "jpeg",
            "image/jpeg", "webp", "image/webp", "mp4", "video/mp4", "gif", "image/gif");

    private final HeldRequests requests;
    private final PromptFiles promptFiles;
    private final JobJournal jobs;
    private final PromptFileJournal journal;
    private final Folders folders;
    private final ApiAccess access;

    public JobsApi(PromptFiles promptFiles, PromptFileReader reader, JobJournal jobs, PromptFileJournal journal, Folders folders, ApiAccess access) {
        this.requests = new HeldRequests(promptFiles, reader);
        this.promptFiles = promptFiles;
        this.jobs = jobs;
        this.journal = journal;
        this.folders = folders;
        this.access = access;
    }

    /** POST /api/jobs: 202 with the request's id, or 400 naming what is wrong; nothing is paid for a bad request. */
    public void accept(Exchange exchange) throws IOException {
        if (!authorized(exchange)) {
            return;
        }
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).contains("json")) {
            refuse(exchange, 415, "the body must be JSON, sent with Content-Type: application/json (it came as "
                                  + (contentType == null ? "no content type" : contentType) + ")",
                    "send the job as JSON with the header Content-Type: application/json");
            return;
        }
        byte[] body = exchange.getMessage().getBody(byte[].class);
        PromptFileRecord record;
        try {
            record = requests.journal("api", body == null ? new byte[0] : body);
        } catch (PromptFileException bad) {
            String whatToDo = forTheApi(bad.fix());
            PromptFileRecord rejected = journal.recordRejectedRequest("api-rejected.json", bad.getMessage(), whatToDo);
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("error", bad.getMessage());
            error.put("line", bad.line());
            error.put("field", bad.field());
            error.put("what_to_do", whatToDo);
            error.put("id", rejected.id());
            respond(exchange, 400, error);
            return;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", record.id());
        answer.put("name", record.name());
        answer.put("jobs", record.jobCount());
        answer.put("state", "queued");
        respond(exchange, 202, answer);
    }

    /** GET /api/jobs/{id}: the request's state and each job's outcome, output paths and URLs. */
    public void get(Exchange exchange) throws IOException {
        PromptFileRecord record = requested(exchange);
        if (record != null) {
            respond(exchange, 200, JobReports.describe(journal, folders, record, true));
        }
    }

    /** GET /api/jobs?state=...&limit=...: recent requests and prompt files, newest first. */
    public void list(Exchange exchange) throws IOException {
        if (!authorized(exchange)) {
            return;
        }
        String state = exchange.getMessage().getHeader("state", String.class);
        String limitText = exchange.getMessage().getHeader("limit", String.class);
        int limit = 50;
        if (limitText != null && !limitText.isBlank()) {
            try {
                limit = Integer.parseInt(limitText.strip());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LISTED) {
                refuse(exchange, 400, "limit '" + limitText + "' is not a number from 1 to " + MAX_LISTED,
                        "ask for ?limit=1 to ?limit=" + MAX_LISTED + ", or leave it out for 50");
                return;
            }
        }
        if (state != null && !state.isBlank() && !JobReports.STATES.contains(state.strip())) {
            refuse(exchange, 400, "state '" + state + "' is not a request state",
                    "ask for one of ?state=" + String.join(", ?state=", JobReports.STATES));
            return;
        }
        List<Map<String, Object>> listed = new ArrayList<>();
        for (PromptFileRecord record : journal.recentPromptFiles(limit)) {
            Map<String, Object> entry = JobReports.describe(journal, folders, record, false);
            if (state == null || state.isBlank() || state.strip().equals(entry.get("state"))) {
                listed.add(entry);
            }
        }
        respond(exchange, 200, Map.of("jobs", listed));
    }

    /**
     * DELETE /api/jobs/{id}: jobs not submitted yet never will be, running tasks are no longer polled (no provider
     * here has a call to stop a task, so they may still finish, and be charged, there); the request ends cancelled.
     */
    public void cancel(Exchange exchange) throws IOException {
        PromptFileRecord record = requested(exchange);
        if (record == null) {
            return;
        }
        JobJournal.Cancellation cancellation = jobs.cancel(record.id());
        promptFiles.closeIfDone(record.id());
        Map<String, Object> answer = new LinkedHashMap<>(JobReports.describe(journal, folders, record, false));
        answer.put("cancelled_before_submit", cancellation.notSubmitted());
        answer.put("no_longer_polled", cancellation.stillRunningTasks());
        if (!cancellation.stillRunningTasks().isEmpty()) {
            answer.put("what_to_know", "tasks " + String.join(", ", cancellation.stillRunningTasks()) + " were already "
                                       + "running at the provider: they may still finish and be charged there");
        }
        respond(exchange, 200, answer);
    }

    /**
     * POST /api/jobs/{id}/retry: the request's failed and cancelled jobs are queued again; those whose submit outcome
     * is unknown only with {@code ?include-unknown=true}, since the provider may have taken (and charged) them.
     */
    public void retry(Exchange exchange) throws IOException {
        PromptFileRecord record = requested(exchange);
        if (record == null) {
            return;
        }
        if ("rejected".equals(record.state())) {
            refuse(exchange, 409, "request " + record.id() + " was rejected and has no job to run again",
                    "fix what its error names and POST the job again");
            return;
        }
        boolean includeUnknown = Boolean.parseBoolean(exchange.getMessage().getHeader("include-unknown", "false",
                String.class));
        String outcome = journal.outcomeOf(record.id());
        int requeued = jobs.retry(record.id(), includeUnknown);
        if (requeued == 0) {
            refuse(exchange, 409, "request " + record.id() + " has no failed or cancelled job to run again"
                                  + (includeUnknown ? "" : " (jobs whose submit outcome is unknown are retried only with "
                                                           + "?include-unknown=true)"),
                    "GET /api/jobs/" + record.id() + " shows each job's state");
            return;
        }
        promptFiles.reopen(journal.promptFileRecord(record.id()), outcome);
        Map<String, Object> answer = new LinkedHashMap<>(JobReports.describe(journal, folders,
                journal.promptFileRecord(record.id()), false));
        answer.put("requeued", requeued);
        respond(exchange, 202, answer);
    }

    /** GET /api/jobs/{id}/outputs/{n}: the n-th output (from 1, in the order of outputs), streamed. */
    public void output(Exchange exchange) throws IOException {
        PromptFileRecord record = requested(exchange);
        if (record == null) {
            return;
        }
        @SuppressWarnings("unchecked")
        List<String> outputs = (List<String>) JobReports.describe(journal, folders, record, false).get("outputs");
        String nText = exchange.getMessage().getHeader("n", String.class);
        int n;
        try {
            n = Integer.parseInt(nText);
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > outputs.size()) {
            refuse(exchange, 404, "request " + record.id() + " has no output " + nText + " (it has " + outputs.size() + ")",
                    "ask for /outputs/1 to /outputs/" + outputs.size() + ", in the order of outputs");
            return;
        }
        Path file = Path.of(outputs.get(n - 1));
        if (!Files.isRegularFile(file)) {
            refuse(exchange, 410, "output " + n + " of request " + record.id() + " is no longer at " + file,
                    "it was moved or deleted from the outbox");
            return;
        }
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        String name = file.getFileName().toString();
        message.setHeader(Exchange.CONTENT_TYPE, MEDIA_TYPES.getOrDefault(
                name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT), "application/octet-stream"));
        message.setHeader("Content-Length", Files.size(file));
        message.setBody(Files.newInputStream(file));
    }

    /** The request the path names, or null once a 404 (or a refusal) is answered. */
    private PromptFileRecord requested(Exchange exchange) throws IOException {
        if (!authorized(exchange)) {
            return null;
        }
        String id = exchange.getMessage().getHeader("id", String.class);
        PromptFileRecord record = id == null ? null : journal.promptFileRecord(id);
        if (record == null) {
            refuse(exchange, 404, "no job request " + id,
                    "use the id POST /api/jobs answered, or list them with GET /api/jobs");
        }
        return record;
    }

    /** The file-validation advice, said for a caller of the API. */
    static String forTheApi(String fix) {
        return fix == null ? null : fix
                .replace("drop the file into the inbox again", "send it again")
                .replace("drop it into the inbox again", "send it again")
                .replace("drop the file again", "send it again")
                .replace("drop the prompt file again", "send it again");
    }

    private boolean authorized(Exchange exchange) throws IOException {
        ApiAccess.Refusal refusal = access.check(exchange.getMessage().getHeader("Authorization", String.class),
                requestedHost(exchange.getMessage()));
        if (refusal == null) {
            return true;
        }
        refuse(exchange, refusal.status(), refusal.error(), refusal.whatToDo());
        return false;
    }

    /** The host the request names: its Host header, or over HTTP/2 (no Host header) the authority of its URL. */
    private static String requestedHost(Message message) {
        String host = message.getHeader("Host", String.class);
        if (host != null && !host.isBlank()) {
            return host;
        }
        String url = message.getHeader(Exchange.HTTP_URL, String.class);
        try {
            return url == null ? null : java.net.URI.create(url).getRawAuthority();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void refuse(Exchange exchange, int status, String error, String whatToDo) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("what_to_do", whatToDo);
        respond(exchange, status, body);
    }

    private static void respond(Exchange exchange, int status, Object body) throws IOException {
        Message message = exchange.getMessage();
        // the caller's headers, the token among them, are not echoed back
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(new String(JSON.writeValueAsBytes(body), StandardCharsets.UTF_8));
    }
}
