package dev.promptrelay.endpoint;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.apache.camel.util.URISupport;

/**
 * Prompt files from a Camel endpoint ({@code promptrelay.intake.<name>.uri}): each message or remote file is one.
 *
 * @param failedUri where a message that cannot become jobs goes with its error report; blank: failed/
 * @param format    the prompt file format of messages that do not say it by their name (txt, json, yaml, ...); blank:
 *                  their name's extension, else json
 */
public record Intake(String name, String uri, String failedUri, String format) {

    /**
     * The endpoint as consumed: the user's URI with what makes "journaled before acknowledged" hold added where the
     * URI says nothing of it. A JMS message is taken in a local transaction, committed only once its jobs are
     * journaled; a Kafka record's offset is committed by the route after the journal, its consumer group kept across
     * restarts, and a failed record is tried again rather than skipped. A remote file (ftp, sftp) is taken once its
     * upload holds still, and moved or deleted by Camel only once the route is done, as always.
     */
    public String consumerUri() {
        Map<String, String> added = new LinkedHashMap<>();
        switch (scheme()) {
            case "jms", "activemq", "amqp", "sjms", "sjms2" -> {
                if (!has("transacted") && !has("acknowledgementModeName") && !has("acknowledgementMode")) {
                    added.put("transacted", "true");
                }
            }
            case "kafka" -> {
                if (!has("groupId")) {
                    added.put("groupId", "promptrelay-" + name);
                }
                if (!has("autoOffsetReset")) {
                    // a prompt sent before the very first start is taken too
                    added.put("autoOffsetReset", "earliest");
                }
                if (!has("autoCommitEnable")) {
                    added.put("autoCommitEnable", "false");
                }
                if (!has("allowManualCommit")) {
                    added.put("allowManualCommit", "true");
                }
                if (!has("breakOnFirstError")) {
                    added.put("breakOnFirstError", "true");
                }
            }
            case "ftp", "ftps", "sftp" -> {
                if (!has("readLock")) {
                    // a file still being uploaded is left until its size and time hold still
                    added.put("readLock", "changed");
                }
            }
            default -> {
            }
        }
        return withOptions(uri, added);
    }

    public String scheme() {
        return schemeOf(uri);
    }

    /** The URI as a log line may show it: passwords and keys masked. */
    public String shown() {
        return URISupport.sanitizeUri(uri);
    }

    private boolean has(String option) {
        return hasOption(uri, option);
    }

    static String schemeOf(String uri) {
        int colon = uri.indexOf(':');
        return colon < 0 ? "" : uri.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    static boolean hasOption(String uri, String option) {
        int query = uri.indexOf('?');
        if (query < 0) {
            return false;
        }
        for (String pair : uri.substring(query + 1).split("&")) {
            if (pair.startsWith(option + "=")) {
                return true;
            }
        }
        return false;
    }

    static String withOptions(String uri, Map<String, String> options) {
        StringBuilder result = new StringBuilder(uri);
        for (Map.Entry<String, String> option : options.entrySet()) {
            result.append(result.indexOf("?") < 0 ? '?' : '&').append(option.getKey()).append('=').append(option.getValue());
        }
        return result.toString();
    }
}
