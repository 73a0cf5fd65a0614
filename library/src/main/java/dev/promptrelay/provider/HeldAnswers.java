package dev.promptrelay.provider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import dev.promptrelay.journal.Job;
import dev.promptrelay.output.AtomicFiles;

/**
 * The answers of providers whose submit answers with the result (a profile of {@code kind: sync}, the OpenAI images
 * form): paid for the moment they come, so each is kept in the state directory before the job is marked submitted,
 * and read by the job's polling instead of asking the provider again, after a restart too. Forgotten once the job's
 * outputs are written.
 */
public class HeldAnswers {

    private final Path dir;
    private final ProviderCatalog providers;

    public HeldAnswers(Path dir, ProviderCatalog providers) {
        this.dir = dir;
        this.providers = providers;
    }

    /** Keeps a sync provider's answer to this job's submit (others' answers name a task, and are not kept). */
    public void keep(Job job, String body) throws IOException {
        if (providers.mapping(job.provider()) instanceof ProfileMapping profiled && profiled.isSync()) {
            Files.createDirectories(dir);
            AtomicFiles.write(file(job.id()), (body == null ? "" : body).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The kept answer a held call asks for, or an error the job's provider mapping reads as such. */
    public String read(ProviderCall call) throws IOException {
        Path file = file(call.url().substring("held:".length()));
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8)
                : "{\"error\": \"the answer kept in " + dir + " for this job is gone: its outputs cannot be written; "
                  + "look for them at the provider\"}";
    }

    /** 200 while the kept answer is there; 410 (gone) when it is not. */
    public int status(ProviderCall call) {
        return Files.exists(file(call.url().substring("held:".length()))) ? 200 : 410;
    }

    /** An output the answer carried as a data URI, decoded. */
    public InputStream decode(ProviderCall call) {
        String url = call.url();
        int comma = url.indexOf(',');
        if (comma < 0 || !url.substring(0, comma).endsWith(";base64")) {
            throw new IllegalArgumentException("an inline output is not a base64 data URI");
        }
        return new ByteArrayInputStream(Base64.getMimeDecoder().decode(url.substring(comma + 1)));
    }

    /** The job's outputs are written: its kept answer is no longer needed. */
    public void forget(Job job) throws IOException {
        Files.deleteIfExists(file(job.id()));
    }

    private Path file(String jobId) {
        // job ids are promptrelay's own (time-ordered, URL-safe): never a path of a caller's making
        if (!jobId.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("not a job id: " + jobId);
        }
        return dir.resolve(jobId + ".json");
    }
}
