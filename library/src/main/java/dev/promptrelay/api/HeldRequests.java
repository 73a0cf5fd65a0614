package dev.promptrelay.api;

import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import dev.promptrelay.journal.PromptFileRecord;
import dev.promptrelay.output.AtomicFiles;
import dev.promptrelay.prompt.JobSpec;
import dev.promptrelay.prompt.PromptFileReader;
import dev.promptrelay.prompt.PromptFiles;

/**
 * A job that arrives without a file (HTTP, an embedding route) is held and journaled like a dropped prompt file. An
 * invalid one is not kept: the caller still has it, and gets the reason.
 */
final class HeldRequests {

    private final PromptFiles promptFiles;
    private final PromptFileReader reader;

    HeldRequests(PromptFiles promptFiles, PromptFileReader reader) {
        this.promptFiles = promptFiles;
        this.reader = reader;
    }

    /** @throws dev.promptrelay.prompt.PromptFileException naming what is wrong, with nothing journaled */
    PromptFileRecord journal(String prefix, byte[] json) throws IOException {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + ".json";
        Path held = promptFiles.hold(name, json);
        try {
            List<JobSpec> jobs = reader.parse(json, json.length, name);
            return promptFiles.accept(held, name, AtomicFiles.sha256Of(new ByteArrayInputStream(json)), jobs,
                    new dev.promptrelay.journal.PromptFileJournal.Source(prefix, null));
        } catch (RuntimeException bad) {
            promptFiles.discard(held);
            throw bad;
        }
    }
}
