package dev.promptrelay.api;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptrelay.Json;
import dev.promptrelay.Folders;
import dev.promptrelay.provider.ProviderCatalog;
import dev.promptrelay.journal.PromptFileJournal;
import dev.promptrelay.journal.PromptFileRecord;
import dev.promptrelay.prompt.JobFields;
import dev.promptrelay.prompt.PromptFileReader;
import dev.promptrelay.prompt.PromptFiles;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;

/**
 * "Generate this" as a step of another application's route: the prompt in the body, options in headers named
 * {@code promptrelay.<field>} ({@code promptrelay.seed}, {@code promptrelay.provider}, ...). The job is held and
 * journaled like a dropped file; the reply is its outcome and output paths. An invalid job throws
 * {@link dev.promptrelay.prompt.PromptFileException} to the caller before anything is paid for.
 */
public class EmbeddedJobs {

    public static final String HEADER_PREFIX = "promptrelay.";
    public static final String STATE_HEADER = "PromptrelayState";
    private static final ObjectMapper JSON = Json.MAPPER;

    private final HeldRequests requests;
    private final PromptFileJournal journal;
    private final Folders folders;
    private final ProviderCatalog providers;

    public EmbeddedJobs(PromptFiles promptFiles, PromptFileReader reader, PromptFileJournal journal, Folders folders) {
        this.requests = new HeldRequests(promptFiles, reader);
        this.journal = journal;
        this.folders = folders;
        this.providers = reader.providers();
    }

    /** Journals the job; the request's id goes in the exchange property {@code promptrelayRequest}. */
    public void accept(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        Map<String, Object> options = new LinkedHashMap<>();
        message.getHeaders().forEach((name, value) -> {
            if (name.startsWith(HEADER_PREFIX)) {
                options.put(name.substring(HEADER_PREFIX.length()), value);
            }
        });
        exchange.setProperty("promptrelayRequest", accept(message.getBody(String.class), options));
    }

    /**
     * Journals the job: the prompt, and options named as a prompt file's fields ({@code seed}, {@code provider}, ...);
     * others are left out. Returns the request's id.
     */
    public String accept(String prompt, Map<String, ?> options) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("prompt", prompt);
        options.forEach((name, value) -> {
            // a blank option (a Kamelet parameter left empty) means the default
            if (JobFields.NAMES.contains(name) && value != null && !value.toString().isBlank()) {
                fields.put(name, value);
            }
        });
        PromptFileRecord record = requests.journal("embedded", JSON.writeValueAsBytes(fields));
        return record.id();
    }

    /** Whether the journal knows this request. */
    public boolean known(String requestId) {
        return journal.promptFileRecord(requestId) != null;
    }

    /** True while any job of the request has not ended. */
    public boolean running(String requestId) {
        return !journal.jobsOf(requestId).stream().allMatch(j -> j.state().ended());
    }

    /** The reply: {@code id}, {@code state}, {@code outputs} and per job its outcome, as a map the caller reads. */
    public Map<String, Object> outcome(@ExchangeProperty("promptrelayRequest") String id) {
        RequestReport report = JobReports.describe(journal, folders, providers, journal.promptFileRecord(id), true);
        return JSON.convertValue(report, new TypeReference<Map<String, Object>>() {
        });
    }
}
