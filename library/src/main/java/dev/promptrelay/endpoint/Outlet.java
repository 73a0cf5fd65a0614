package dev.promptrelay.endpoint;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.promptrelay.journal.OutletJournal;
import org.apache.camel.util.URISupport;

/**
 * Results to a Camel endpoint ({@code promptrelay.outlet.<name>.uri}): each output with its sidecar as headers, and a
 * summary message per prompt file. The outbox stays where results are written first and kept.
 */
public record Outlet(String name, String uri, OutletJournal.Outlet filter) {

    /** The endpoint as sent to: a Kafka record carries the output's bytes as they are, not as text. */
    public String producerUri() {
        Map<String, String> added = new LinkedHashMap<>();
        if (Intake.schemeOf(uri).equals("kafka") && !Intake.hasOption(uri, "valueSerializer")) {
            added.put("valueSerializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        }
        return Intake.withOptions(uri, added);
    }

    /** The URI as a log line may show it: passwords and keys masked. */
    public String shown() {
        return URISupport.sanitizeUri(uri);
    }
}
