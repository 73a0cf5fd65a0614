package dev.promptrelay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import dev.promptrelay.output.AtomicFiles;

/**
 * Who this node is on a shared journal: {@code promptrelay.cluster.node-id}, or an id made once and kept in its state
 * directory, so a restarted node knows its own work again at once; and how long its claims last unrenewed.
 */
final class ClusterNode {

    private ClusterNode() {
    }

    static String id(PromptRelaySettings settings, Folders folders) throws IOException {
        String configured = settings.text("promptrelay.cluster.node-id");
        if (!configured.isBlank()) {
            return configured;
        }
        Path kept = folders.stateDir().resolve("node-id");
        if (Files.isRegularFile(kept)) {
            String id = Files.readString(kept, StandardCharsets.UTF_8).strip();
            if (!id.isEmpty()) {
                return id;
            }
        }
        String id = "node-" + UUID.randomUUID().toString().substring(0, 8);
        AtomicFiles.write(kept, id.getBytes(StandardCharsets.UTF_8));
        return id;
    }

    static Duration lease(PromptRelaySettings settings) {
        long lease = settings.number("promptrelay.cluster.lease-seconds");
        long renew = settings.number("promptrelay.cluster.renew-seconds");
        if (renew <= 0 || lease < 2 * renew) {
            throw new IllegalStateException("promptrelay.cluster.lease-seconds (" + lease + ") must be at least twice "
                                            + "promptrelay.cluster.renew-seconds (" + renew + "), which must be positive: "
                                            + "a node must renew its leases well before they run out");
        }
        return Duration.ofSeconds(lease);
    }
}
