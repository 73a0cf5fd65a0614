package dev.promptrelay.endpoint;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import dev.promptrelay.Json;
import dev.promptrelay.journal.PromptFileJournal;
import dev.promptrelay.journal.PromptFileRecord;
import dev.promptrelay.output.AtomicFiles;
import dev.promptrelay.output.FileNames;
import dev.promptrelay.prompt.JobSpec;
import dev.promptrelay.prompt.PromptFileException;
import dev.promptrelay.prompt.PromptFileReader;
import dev.promptrelay.prompt.PromptFiles;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static dev.promptrelay.output.FileNames.quoted;

/**
 * A message or remote file an intake received: held, read and journaled as a prompt file, before its endpoint hears
 * it was taken. A message its endpoint delivers again after a crash (the same JMS message id, Kafka offset, remote
 * file) is known by its identity there and not taken in twice.
 */
public class IntakeMessages {

    /** The exchange property the intake routes set: the intake's name. */
    public static final String INTAKE = "promptrelayIntake";
    /** The exchange property that carries where a rejected message goes, when its intake names a failed-uri. */
    public static final String FAILED_URI = "promptrelayFailedUri";
    /** A header a sender may set: the prompt file's name (its extension gives the format). */
    public static final String FILE_NAME_HEADER = "PromptrelayFileName";
    /** A header a sender may set: the message's own id, so that sending it twice runs it once. */
    public static final String MESSAGE_ID_HEADER = "PromptrelayMessageId";
    private static final String KAFKA_MANUAL_COMMIT = "CamelKafkaManualCommit";
    /** The exchange property with a message's content while it is read, for its rejection. */
    private static final String CONTENT = "promptrelayIntakeContent";
    private static final Logger LOG = LoggerFactory.getLogger(IntakeMessages.class);

    private final Map<String, Intake> intakes;
    private final PromptFiles promptFiles;
    private final PromptFileReader reader;
    private final PromptFileJournal journal;

    public IntakeMessages(List<Intake> intakes, PromptFiles promptFiles, PromptFileReader reader,
                          PromptFileJournal journal) {
        this.intakes = intakes.stream().collect(java.util.stream.Collectors.toMap(Intake::name, i -> i));
        this.promptFiles = promptFiles;
        this.reader = reader;
        this.journal = journal;
    }

    /**
     * Journals the message as a prompt file and its jobs, or finds it journaled before. An invalid one throws
     * {@link PromptFileException} with nothing journaled and nothing held; {@link #reject} takes it from there.
     */
    public void journal(Exchange exchange) throws IOException {
        Intake intake = intakeOf(exchange);
        Message message = exchange.getMessage();
        // read whole even when too big: a rejected message is acknowledged, so failed/ must keep all of it
        byte[] content = message.getBody(byte[].class);
        if (content == null) {
            content = new byte[0];
        }
        PromptFileJournal.Source source = new PromptFileJournal.Source(intake.name(), keyOf(message, content));
        String name = nameOf(intake, message, source.key());
        message.setHeader(PromptFiles.NAME, name);
        PromptFileRecord earlier = journal.takenIn(source);
        if (earlier != null) {
            LOG.info("{} from intake {} was taken in before, as request {} (its endpoint delivered it again after a "
                     + "stop): not taken in twice", quoted(name), intake.name(), earlier.id());
            exchange.setProperty("promptrelayRequest", earlier.id());
            return;
        }
        // read before anything is held: a rejected message leaves nothing behind should its report not get through
        exchange.setProperty(CONTENT, content);
        List<JobSpec> jobs = reader.parse(content, content.length, name);
        Path held = promptFiles.holdFromEndpoint(name, content);
        PromptFileRecord record;
        try {
            record = promptFiles.accept(held, name, AtomicFiles.sha256Of(new ByteArrayInputStream(content)), jobs,
                    source);
        } catch (RuntimeException | IOException failed) {
            // not journaled: the endpoint still has it and delivers it again; this copy would only linger
            promptFiles.discard(held);
            throw failed;
        }
        exchange.removeProperty(CONTENT);
        exchange.setProperty("promptrelayRequest", record.id());
        LOG.info("{} from intake {}: request {}", quoted(name), intake.name(), record.id());
    }

    /**
     * Acknowledges a Kafka record now that it is journaled (its offset committed); other endpoints acknowledge when
     * the route ends: a JMS transaction commits, a remote file is moved or deleted.
     */
    public void acknowledge(Exchange exchange) {
        Object commit = exchange.getMessage().getHeader(KAFKA_MANUAL_COMMIT);
        if (commit != null) {
            KafkaOffsets.commit(commit);
        }
    }

    /**
     * A message that cannot become jobs: its error report made as the drop folder's, then the message and report to
     * the intake's failed-uri (the route sends them) or, without one, to failed/ as a dropped file goes.
     */
    public void reject(Exchange exchange) throws IOException {
        Intake intake = intakeOf(exchange);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Message message = exchange.getMessage();
        String name = message.getHeader(PromptFiles.NAME, String.class);
        byte[] content = exchange.getProperty(CONTENT, byte[].class);
        Map<String, Object> report = promptFiles.rejectionReport(name, cause, "send it to " + intake.shown() + " again");
        report.put("intake", intake.name());
        Object fix = report.get("what_to_do");
        if (fix instanceof String text) {
            report.put("what_to_do", text.replace("drop the file into the inbox again", "send it again")
                    .replace("drop it into the inbox again", "send it again"));
        }
        if (intake.failedUri().isBlank()) {
            promptFiles.rejectHeld(promptFiles.holdFromEndpoint(name, content), name, report);
            exchange.removeProperty(FAILED_URI);
            return;
        }
        exchange.setProperty(FAILED_URI, intake.failedUri());
        exchange.setProperty("promptrelayReport", report);
        message.setBody(content);
        message.setHeader(Exchange.FILE_NAME, name);
        message.setHeader(FILE_NAME_HEADER, name);
        message.setHeader("PromptrelayFailed", "prompt-file");
        message.setHeader("PromptrelayIntake", intake.name());
        message.setHeader("PromptrelayError", String.valueOf(report.get("error")));
        if (report.get("line") != null) {
            message.setHeader("PromptrelayErrorLine", String.valueOf(report.get("line")));
        }
        if (report.get("field") != null) {
            message.setHeader("PromptrelayErrorField", String.valueOf(report.get("field")));
        }
        message.setHeader("PromptrelayWhatToDo", String.valueOf(report.get("what_to_do")));
    }

    /** After the rejected message went to the failed-uri: its error report, as {@code <name>.error.json}. */
    public void errorReport(Exchange exchange) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> report = exchange.getProperty("promptrelayReport", Map.class);
        Message message = exchange.getMessage();
        String name = message.getHeader(PromptFiles.NAME, String.class);
        message.setBody(Json.INDENTED.writeValueAsBytes(report));
        message.setHeader(Exchange.FILE_NAME, name + ".error.json");
        message.setHeader(FILE_NAME_HEADER, name + ".error.json");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader("PromptrelayFailed", "error-report");
    }

    /** Both are at the failed-uri: the rejection is listed in the API and gallery. */
    public void rejected(Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<String, Object> report = exchange.getProperty("promptrelayReport", Map.class);
        Message message = exchange.getMessage();
        String name = message.getHeader(PromptFiles.NAME, String.class);
        promptFiles.listRejected(name, report, exchange.getProperty(FAILED_URI, String.class) + " (" + name
                                               + ".error.json)");
    }

    private Intake intakeOf(Exchange exchange) {
        String name = exchange.getProperty(INTAKE, String.class);
        Intake intake = intakes.get(name);
        if (intake == null) {
            throw new IllegalStateException("no intake named " + name);
        }
        return intake;
    }

    /**
     * The message's identity at its endpoint, the same when it is delivered again: the sender's own id when it gives
     * one, a JMS message id, a Kafka record's topic, partition and offset, a remote file's path, time and size, an S3
     * object's key and ETag; otherwise its content.
     */
    static String keyOf(Message message, byte[] content) {
        String key;
        String own = message.getHeader(MESSAGE_ID_HEADER, String.class);
        String jms = message.getHeader("JMSMessageID", String.class);
        Object topic = message.getHeader("kafka.TOPIC");
        Object path = message.getHeader(Exchange.FILE_PATH);
        Object s3 = message.getHeader("CamelAwsS3Key");
        if (own != null && !own.isBlank()) {
            key = "id:" + own;
        } else if (jms != null) {
            key = "jms:" + jms;
        } else if (topic != null) {
            key = "kafka:" + topic + "/" + message.getHeader("kafka.PARTITION") + "@" + message.getHeader("kafka.OFFSET");
        } else if (s3 != null) {
            key = "s3:" + s3 + "@" + message.getHeader("CamelAwsS3ETag");
        } else if (path != null) {
            key = "file:" + message.getHeader("CamelFileHost", "", String.class) + ":" + path + "@"
                  + message.getHeader(Exchange.FILE_LAST_MODIFIED, Object.class) + "#" + content.length + ":"
                  + sha256(content).substring(0, 16);
        } else {
            key = "content:" + sha256(content);
        }
        // an index has room for 512 characters: a longer identity is kept by its hash
        return key.length() <= 512 ? key : key.substring(0, 16) + "~" + sha256(key.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The prompt file's name: the sender's {@code PromptrelayFileName}, a remote file's or object's own name, or the
     * intake's name
     * and a short form of the message's identity; with the intake's format as its extension when it sets one.
     */
    static String nameOf(Intake intake, Message message, String key) {
        String given = message.getHeader(FILE_NAME_HEADER, String.class);
        if (given == null || given.isBlank()) {
            given = message.getHeader(Exchange.FILE_NAME_ONLY, String.class);
        }
        if (given == null || given.isBlank()) {
            given = message.getHeader(Exchange.FILE_NAME, String.class);
        }
        if (given == null || given.isBlank()) {
            given = message.getHeader("CamelAwsS3Key", String.class);
        }
        String name;
        if (given != null && !given.isBlank()) {
            String last = given.replace('\\', '/');
            name = FileNames.safe(last.substring(last.lastIndexOf('/') + 1), intake.name());
        } else {
            name = intake.name() + "-" + sha256(key.getBytes(StandardCharsets.UTF_8)).substring(0, 12);
        }
        String extension = FileNames.lowerCaseExtension(name);
        if (!intake.format().isEmpty() && !extension.equals(intake.format())) {
            name = name + "." + intake.format();
        } else if (intake.format().isEmpty() && (given == null || given.isBlank())) {
            name = name + ".json";
        }
        return FileNames.fitting(name, 16);
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
