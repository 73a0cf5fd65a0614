package dev.promptrelay.endpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptrelay.Folders;
import dev.promptrelay.Json;
import dev.promptrelay.journal.OutletJournal;
import dev.promptrelay.journal.OutletJournal.Delivery;
import dev.promptrelay.output.AtomicFiles;
import dev.promptrelay.output.FileNames;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static dev.promptrelay.output.FileNames.quoted;

/**
 * Sends what the outlets are to receive, from the outbox: an output's bytes with its sidecar as headers, or a prompt
 * file's summary. A delivery an outlet refuses stays journaled and is tried again later, from the same file; nothing
 * is ever generated again for an outlet.
 */
public class OutletDeliveries {

    /** The exchange property that names the outlet a delivery goes to. */
    public static final String OUTLET = "promptrelayOutlet";
    public static final String DELIVERY = "promptrelayDelivery";
    /** The exchange property with an output's sidecar, for an outlet that keeps it as a file of its own. */
    public static final String SIDECAR = "promptrelaySidecar";
    private static final int BATCH = 50;
    /** Long enough to send a batch of big videos; a node that stops mid-batch leaves them to another after this. */
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    private static final Duration LONGEST_RETRY = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(OutletDeliveries.class);

    private final OutletJournal journal;
    private final Folders folders;
    private final Map<String, Outlet> outlets;
    /** Outlets that refused their last delivery, so an outage is logged once when it starts and once when it ends. */
    private final Set<String> refusing = ConcurrentHashMap.newKeySet();
    /** Outlets that refused a delivery of the batch being sent: the rest of theirs waits, in order, for their turn. */
    private final Set<String> refusedThisTurn = ConcurrentHashMap.newKeySet();

    public OutletDeliveries(OutletJournal journal, Folders folders, List<Outlet> outlets) {
        this.journal = journal;
        this.folders = folders;
        this.outlets = outlets.stream().collect(java.util.stream.Collectors.toMap(Outlet::name, o -> o));
    }

    /** The deliveries due now, claimed for this node. */
    public List<Delivery> due() {
        refusedThisTurn.clear();
        return journal.claimDue(BATCH, LEASE);
    }

    /**
     * The message for one delivery: the file's bytes from the outbox and its headers. One whose file was removed from
     * the outbox is journaled as missing and not sent (the exchange property {@value #DELIVERY} stays unset).
     */
    public void load(Exchange exchange) throws IOException {
        Delivery delivery = exchange.getMessage().getBody(Delivery.class);
        exchange.removeProperty(DELIVERY);
        exchange.removeProperty(SIDECAR);
        if (refusedThisTurn.contains(delivery.outlet())) {
            // its outlet refused one before it in this batch; the refusal put it back for the next try
            return;
        }
        Path file = folders.output(delivery.path());
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException gone) {
            journal.missing(delivery.id(), file + " is no longer in the outbox");
            LOG.error("outlet {}: {} is no longer in the outbox, so it cannot be sent (was it removed?); nothing is "
                      + "generated again for it", delivery.outlet(), quoted(delivery.path()));
            exchange.removeProperty(DELIVERY);
            return;
        }
        exchange.setProperty(DELIVERY, delivery);
        exchange.setProperty(OUTLET, delivery.outlet());
        message.setHeader(Exchange.FILE_NAME, delivery.path());
        // the object key an S3 outlet writes under: the same layout as the outbox
        message.setHeader("CamelAwsS3Key", delivery.path());
        message.setHeader("PromptrelayDeliveryId", delivery.id());
        message.setHeader("PromptrelayRequest", delivery.promptFileId());
        message.setHeader("PromptrelayPath", delivery.path());
        message.setHeader("PromptrelayMessage", delivery.isSummary() ? "summary" : "output");
        if (delivery.intake() != null) {
            message.setHeader("PromptrelayIntake", delivery.intake());
        }
        if (delivery.isSummary()) {
            message.setBody(new String(content, StandardCharsets.UTF_8));
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
            return;
        }
        message.setBody(content);
        message.setHeader(Exchange.CONTENT_TYPE, contentType(delivery.path()));
        message.setHeader("PromptrelayJobId", delivery.jobId());
        Path sidecar = AtomicFiles.sidecarOf(file);
        if (Files.isRegularFile(sidecar)) {
            String json = Files.readString(sidecar);
            if (outlets.get(delivery.outlet()).sidecars()) {
                exchange.setProperty(SIDECAR, json);
            }
            message.setHeader("PromptrelaySidecar", json);
            JsonNode fields = Json.MAPPER.readTree(json);
            for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getValue().isValueNode() && !field.getValue().isNull()) {
                    message.setHeader(headerName(field.getKey()), field.getValue().asText());
                }
            }
            JsonNode seed = fields.path("parameters").path("seed");
            if (seed.isValueNode() && !seed.isNull()) {
                message.setHeader("PromptrelaySeed", seed.asText());
            }
        }
    }

    public void delivered(Exchange exchange) {
        Delivery delivery = exchange.getProperty(DELIVERY, Delivery.class);
        journal.delivered(delivery.id());
        if (refusing.remove(delivery.outlet())) {
            LOG.info("outlet {} ({}) takes deliveries again; what waited is being sent", delivery.outlet(),
                    outlets.get(delivery.outlet()).shown());
        }
    }

    /** The outlet refused it after Camel's redeliveries: kept, tried again later, never generated again. */
    public void refused(Exchange exchange) {
        Delivery delivery = exchange.getProperty(DELIVERY, Delivery.class);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String why = cause == null ? "refused" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        Duration retryIn = FIRST_RETRY.multipliedBy(1L << Math.min(delivery.attempts(), 10));
        if (retryIn.compareTo(LONGEST_RETRY) > 0) {
            retryIn = LONGEST_RETRY;
        }
        journal.refused(delivery.id(), delivery.outlet(), why, retryIn);
        refusedThisTurn.add(delivery.outlet());
        if (refusing.add(delivery.outlet())) {
            LOG.warn("outlet {} ({}) refused {} ({}): it stays in the outbox and is sent again, every few seconds to "
                     + "every {} minutes, until the outlet takes it; nothing is generated again", delivery.outlet(),
                    outlets.get(delivery.outlet()).shown(), quoted(delivery.path()), why, LONGEST_RETRY.toMinutes());
        } else {
            LOG.debug("outlet {} refused {} again ({}); next try in {}", delivery.outlet(), delivery.path(), why, retryIn);
        }
    }

    /** {@code task_id} becomes {@code PromptrelayTaskId}. */
    static String headerName(String field) {
        StringBuilder name = new StringBuilder("Promptrelay");
        for (String part : field.split("_")) {
            if (!part.isEmpty()) {
                name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        // the sidecar's "job" is the job's number in its file; the job's id has a header of its own
        return name.toString().equals("PromptrelayJob") ? "PromptrelayJobNumber"
                : name.toString().equals("PromptrelayKind") ? "PromptrelayMediaKind" : name.toString();
    }

    static String contentType(String path) {
        return switch (FileNames.lowerCaseExtension(path).toLowerCase(Locale.ROOT)) {
            case "png" -> "image/png";
            case "jpg", "jpeg" -> "image/jpeg";
            case "webp" -> "image/webp";
            case "gif" -> "image/gif";
            case "mp4" -> "video/mp4";
            case "webm" -> "video/webm";
            case "mov" -> "video/quicktime";
            default -> "application/octet-stream";
        };
    }
}
