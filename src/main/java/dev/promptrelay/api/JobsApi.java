package dev.promptrelay.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptrelay.Folders;
import dev.promptrelay.journal.JobJournal;
import dev.promptrelay.journal.PromptFileRecord;
import dev.promptrelay.prompt.PromptFileException;
import dev.promptrelay.prompt.PromptFileReader;
import dev.promptrelay.prompt.PromptFiles;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The HTTP API: a job posted as JSON (the shape of a {@code .json} prompt file) is held and journaled like a dropped
 * file, and its state and outputs can be asked for. Bad JSON and invalid jobs answer 400 with the same messages as
 * file validation. Who may call it is {@link ApiAccess}'s to say.
 */
public class JobsApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LISTED = 500;

    private final HeldRequests requests;
    private final JobJournal journal;
    private final Folders folders;
    private final ApiAccess access;

    public JobsApi(PromptFiles promptFiles, PromptFileReader reader, JobJournal journal, Folders folders, ApiAccess access) {
        this.requests = new HeldRequests(promptFiles, reader);
        this.journal = journal;
        this.folders = folders;
        this.access = access;
    }

    /** POST /api/jobs: 202 with the request's id, or 400 naming what is wrong; nothing is paid for a bad request. */
    public void accept(Exchange exchange) throws IOException {
        if (!authorized(exchange)) {
            return;
        }
        byte[] body = exchange.getMessage().getBody(byte[].class);
        PromptFileRecord record;
        try {
            record = requests.journal("api", body == null ? new byte[0] : body);
        } catch (PromptFileException bad) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("error", bad.getMessage());
            error.put("line", bad.line());
            error.put("field", bad.field());
            error.put("what_to_do", bad.fix());
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

    /** GET /api/jobs/{id}: the request's state and each job's outcome and output paths. */
    public void get(Exchange exchange) throws IOException {
        if (!authorized(exchange)) {
            return;
        }
        String id = exchange.getMessage().getHeader("id", String.class);
        PromptFileRecord record = id == null ? null : journal.promptFileRecord(id);
        if (record == null) {
            respond(exchange, 404, Map.of("error", "no job request " + id, "what_to_do",
                    "use the id POST /api/jobs answered, or list them with GET /api/jobs"));
            return;
        }
        respond(exchange, 200, JobReports.describe(journal, folders, record, true));
    }

    /** GET /api/jobs?state=...&limit=...: recent requests and prompt files, newest first. */
    public void list(Exchange exchange) throws IOException {
        if (!authorized(exchange)) {
            return;
        }
        String state = exchange.getMessage().getHeader("state", String.class);
        Integer limit = exchange.getMessage().getHeader("limit", Integer.class);
        List<Map<String, Object>> listed = new ArrayList<>();
        for (PromptFileRecord record : journal.recentPromptFiles(limit == null ? 50 : Math.min(limit, MAX_LISTED))) {
            Map<String, Object> entry = JobReports.describe(journal, folders, record, false);
            if (state == null || state.isBlank() || state.equals(entry.get("state"))) {
                listed.add(entry);
            }
        }
        respond(exchange, 200, Map.of("jobs", listed));
    }

    private boolean authorized(Exchange exchange) throws IOException {
        ApiAccess.Refusal refusal = access.check(exchange.getMessage().getHeader("Authorization", String.class),
                requestedHost(exchange.getMessage()));
        if (refusal == null) {
            return true;
        }
        respond(exchange, refusal.status(), Map.of("error", refusal.error(), "what_to_do", refusal.whatToDo()));
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

    private static void respond(Exchange exchange, int status, Object body) throws IOException {
        Message message = exchange.getMessage();
        // the caller's headers, the token among them, are not echoed back
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(new String(JSON.writeValueAsBytes(body), StandardCharsets.UTF_8));
    }
}
