package dev.promptrelay.observe;

import java.util.Collection;
import java.util.Map;

import dev.promptrelay.prompt.PromptFiles;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Prompt files move into their held folder when taken in, and out of it to the archive or failed/ when their jobs are
 * done: while one cannot (a folder that refuses it, a held folder that cannot even be read), it stays where it is, is
 * tried again, and the check says so.
 */
public class HeldFilesHealthCheck extends PromptRelayHealthCheck {

    private final PromptFiles promptFiles;

    public HeldFilesHealthCheck(PromptFiles promptFiles) {
        super("held-files");
        this.promptFiles = promptFiles;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Collection<String> stuck = promptFiles.stuck();
        builder.detail("waiting", stuck.size());
        if (stuck.isEmpty()) {
            builder.up();
            return;
        }
        builder.message(stuck.size() + " prompt file(s) cannot be moved now, and are tried again: "
                        + stuck.iterator().next()).down();
    }
}
