package dev.promptrelay.endpoint;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.promptrelay.journal.OutletJournal;
import org.apache.camel.util.URISupport;

/**
 * Results to a Camel endpoint ({@code promptrelay.outlet.<name>.uri}): each output with its sidecar as headers, and a
 * summary message per prompt file. The outbox stays where results are written first and kept.
 */
public record Outlet(String name, String uri, OutletJournal.Outlet filter, boolean sidecars) {

    /** Endpoints that keep files: an output's sidecar goes there too, as a file beside it, since headers do not stay. */
    static final java.util.Set<String> FILE_SCHEMES = java.util.Set.of("file", "ftp", "ftps", "sftp", "aws2-s3",
            "azure-storage-blob", "azure-files", "google-storage", "minio", "hdfs", "smb");

    static boolean keepsFiles(String uri) {
        return FILE_SCHEMES.contains(Intake.schemeOf(uri));
    }

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
