package dev.promptrelay.output;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectWriter;
import dev.promptrelay.Json;
import dev.promptrelay.Folders;
import dev.promptrelay.journal.Job;
import dev.promptrelay.journal.OutputJournal;
import dev.promptrelay.prompt.JobSpec;
import dev.promptrelay.provider.ProviderCatalog;
import dev.promptrelay.provider.TaskOutput;
import dev.promptrelay.provider.TaskWatch;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static dev.promptrelay.output.FileNames.quoted;

/**
 * Writes one downloaded output into the outbox, {@code <outbox>/<prompt file>/<job>-<n>.<ext>}, with a JSON sidecar
 * recording everything that made it.
 */
public class OutputWriter {

    private static final ObjectWriter JSON = Json.INDENTED;

    public static final String STORED = "stored";
    private static final Logger LOG = LoggerFactory.getLogger(OutputWriter.class);

    private final Folders folders;
    private final Outbox outbox;
    private final OutputJournal journal;
    private final ProviderCatalog providers;

    public OutputWriter(Folders folders, Outbox outbox, OutputJournal journal, ProviderCatalog providers) {
        this.folders = folders;
        this.outbox = outbox;
        this.journal = journal;
        this.providers = providers;
    }

    /**
     * Names the output in the journal before anything of it is fetched, {@code <prompt file>/<job>-<n>.<ext>}: after
     * a restart it is finished under the same name, and no other output ever gets it.
     */
    public StoredOutput reserve(@ExchangeProperty("job") Job job, @ExchangeProperty("output") TaskOutput output) {
        // in a folder shared by several prompt files (a schedule's fires), each file's outputs carry its name
        String prefix = job.outputFolder() != null ? folderFor(job.promptFileName()) + "-" : "";
        String base = prefix + FileNames.safe(job.spec().name() != null ? job.spec().name() : jobNumber(job), "job")
                      + "-" + (output.index() + 1);
        String folder = job.outputFolder() != null ? job.outputFolder() : folderFor(job.promptFileName());
        OutputJournal.OutputName name = journal.reserveOutput(job.id(), output.index(), folder,
                base, output.extension(), journaled -> {
                    Path taken = folders.output(journaled);
                    return Files.exists(taken, LinkOption.NOFOLLOW_LINKS)
                           || Files.exists(AtomicFiles.sidecarOf(taken), LinkOption.NOFOLLOW_LINKS);
                });
        Path staged = folders.staged().resolve(job.id() + "-" + (output.index() + 1)
                                               + (output.extension().isEmpty() ? "" : "." + output.extension()));
        return new StoredOutput(folders.output(name.path()), staged, name.namedBefore());
    }

    /**
     * Writes the download into the outbox under the output's name; while the outbox cannot take files, into the
     * state directory to wait there. A PNG gets its parameters chunk on the way.
     *
     * @throws AtomicFiles.WriteFailed when the disk refused it: the download is tried again, kept in the state
     *                                 directory where the outbox failed
     */
    public void write(@ExchangeProperty("job") Job job, @ExchangeProperty("output") TaskOutput output,
                      @ExchangeProperty(STORED) StoredOutput stored, @Body InputStream download) throws IOException {
        boolean intoOutbox = outbox.writable();
        Path destination = intoOutbox ? stored.target() : stored.staged();
        if (stored.triedBefore()) {
            // only an earlier try can have left any: listing the folder at every write would cost more the fuller it is
            try {
                AtomicFiles.removeStaleTemps(destination);
            } catch (AtomicFiles.WriteFailed e) {
                if (!intoOutbox) {
                    throw e;
                }
                // the outbox cannot even be listed: the result goes to the state directory, whole
                outbox.refused(e);
                intoOutbox = false;
                destination = stored.staged();
                AtomicFiles.removeStaleTemps(destination);
            }
        }
        stored.tried();
        if (download == null) {
            throw new IOException("the download of " + job.label() + " had no content");
        }
        try (download; CountingInputStream content = new CountingInputStream(output.extension().equals("png")
                ? PngParameters.insert(download, parameters(job)) : download)) {
            try {
                stored.written(AtomicFiles.publish(destination, content));
            } catch (AtomicFiles.WriteFailed e) {
                if (!intoOutbox) {
                    throw e;
                }
                outbox.refused(e);
                if (content.count() > 0) {
                    // part of the download went into the failed file: it is fetched again, into the state directory
                    throw e;
                }
                intoOutbox = false;
                AtomicFiles.removeStaleTemps(stored.staged());
                stored.written(AtomicFiles.publish(stored.staged(), content));
            }
        }
        if (!intoOutbox) {
            journal.markOutputStaged(job.id(), output.index());
            LOG.info("{}: output {} of task {} kept in {} until the outbox can take it", job.label(),
                    output.index() + 1, job.taskId(), quoted(stored.staged().toString()));
        }
    }

    /**
     * Ends the output's way into the outbox: one kept in the state directory moves in once the outbox takes files,
     * then the sidecar is written and the journal told. While the outbox cannot take it, the output waits and this
     * is called again later.
     */
    public void finish(@ExchangeProperty("job") Job job, @ExchangeProperty("output") TaskOutput output,
                       @ExchangeProperty("task") TaskWatch task, @ExchangeProperty(STORED) StoredOutput stored)
            throws IOException {
        Path target = stored.target();
        try {
            // the outbox is looked at only when it takes files: a folder that cannot be read cannot say what it holds
            if (!outbox.writable() && AtomicFiles.present(stored.staged())) {
                stored.waitForOutbox();
                return;
            }
            if (!AtomicFiles.present(target) && AtomicFiles.present(stored.staged())) {
                AtomicFiles.removeStaleTemps(target);
                try (InputStream kept = Files.newInputStream(stored.staged())) {
                    stored.written(AtomicFiles.publish(target, kept));
                }
                Files.delete(stored.staged());
            }
            if (!AtomicFiles.present(target)) {
                throw new IOException("output " + (output.index() + 1) + " of task " + job.taskId()
                                      + " is neither in the outbox nor kept in " + folders.staged());
            }
            // written before a stop that came before its sidecar: finished as it is, not fetched again
            AtomicFiles.Written written = stored.written();
            if (written == null) {
                written = AtomicFiles.measure(target);
                // a kill in the middle of the sidecar left its temporary file
                AtomicFiles.removeStaleTemps(AtomicFiles.sidecarOf(target));
            }
            Instant writtenAt = Instant.now();
            AtomicFiles.write(AtomicFiles.sidecarOf(target),
                    JSON.writeValueAsBytes(sidecar(job, output, task, written, writtenAt)));
            journal.recordOutput(job.id(), output.index(), written.bytes(), written.sha256());
            stored.done();
            LOG.info("{}: wrote {}", job.label(), quoted(target.toString()));
        } catch (AtomicFiles.WriteFailed e) {
            outbox.refused(e);
            stored.waitForOutbox();
        }
    }

    /** How many bytes were read through it: none means the content can still go elsewhere whole. */
    private static final class CountingInputStream extends java.io.FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count += b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count += Math.max(0, n);
            return n;
        }

        long count() {
            return count;
        }
    }

    /** Where one output goes, and whether it waits for the outbox; an exchange property of the store route. */
    public static final class StoredOutput {

        private static final long FIRST_WAIT_MILLIS = 1000;
        private static final long LONGEST_WAIT_MILLIS = 30_000;

        private final Path target;
        private final Path staged;
        private boolean tried;
        private AtomicFiles.Written written;
        private boolean waiting;
        private long waitMillis;

        StoredOutput(Path target, Path staged, boolean namedBefore) {
            this.target = target;
            this.staged = staged;
            this.tried = namedBefore;
        }

        /** Whether a write of this output was tried before (here, or by a process since stopped). */
        boolean triedBefore() {
            return tried;
        }

        void tried() {
            tried = true;
        }

        /** True unless the output is in the outbox already, or kept in the state directory, from an earlier try. */
        public boolean isFetchNeeded() {
            // a name just reserved was free on disk, so only an earlier try can have written there; the staged copy is
            // looked for either way (a retried job's), with a plain stat: Files.exists throws inside when it is not there
            return (!tried || !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) && !staged.toFile().exists();
        }

        /** True while the output waits for the outbox to take files. */
        public boolean isWaiting() {
            return waiting;
        }

        public long getWaitMillis() {
            return waitMillis;
        }

        Path target() {
            return target;
        }

        /** Where the output is in the outbox, once it is there. */
        public Path getOutboxFile() {
            return target;
        }

        Path staged() {
            return staged;
        }

        AtomicFiles.Written written() {
            return written;
        }

        void written(AtomicFiles.Written file) {
            this.written = file.path().equals(target) ? file : null;
        }

        void waitForOutbox() {
            waiting = true;
            waitMillis = waitMillis == 0 ? FIRST_WAIT_MILLIS : Math.min(LONGEST_WAIT_MILLIS, waitMillis * 2);
        }

        void done() {
            waiting = false;
        }
    }

    /** The parameters in the form other image tools read: prompt, negative prompt, then settings on one line. */
    static String parameters(Job job) {
        JobSpec spec = job.spec();
        StringBuilder text = new StringBuilder(spec.prompt());
        if (spec.negativePrompt() != null) {
            text.append("\nNegative prompt: ").append(spec.negativePrompt());
        }
        List<String> settings = new ArrayList<>();
        if (spec.steps() != null) {
            settings.add("Steps: " + spec.steps());
        }
        if (spec.guidance() != null) {
            settings.add("CFG scale: " + spec.guidance());
        }
        if (spec.seed() != null) {
            settings.add("Seed: " + spec.seed());
        }
        if (spec.size() != null) {
            settings.add("Size: " + spec.size());
        }
        if (spec.aspectRatio() != null) {
            settings.add("Aspect ratio: " + spec.aspectRatio());
        }
        settings.add("Model: " + job.model());
        settings.add("Provider: " + job.provider());
        settings.add("Task id: " + job.taskId());
        if (job.sandbox()) {
            settings.add("Sandbox: placeholder, not a provider's work");
        }
        return text.append('\n').append(String.join(", ", settings)).toString();
    }

    /**
     * The outbox folder of a prompt file, and the base of its summary file: its name without the extension, made
     * safe. Summaries are {@code <base>.summary.json} beside the folders, so no folder may end that way.
     */
    public static String folderFor(String promptFileName) {
        String folder = FileNames.safe(FileNames.base(promptFileName), "prompts");
        return folder.toLowerCase(java.util.Locale.ROOT).endsWith(".summary.json") ? folder + "-outputs" : folder;
    }

    private static String jobNumber(Job job) {
        int width = Math.max(3, String.valueOf(job.jobCount()).length());
        return String.format("%0" + width + "d", job.seq());
    }

    private Map<String, Object> sidecar(Job job, TaskOutput output, TaskWatch task, AtomicFiles.Written written,
                                        Instant writtenAt) {
        Map<String, Object> sidecar = new LinkedHashMap<>();
        sidecar.put("file", written.path().getFileName().toString());
        sidecar.put("prompt", job.spec().prompt());
        if (job.spec().negativePrompt() != null) {
            sidecar.put("negative_prompt", job.spec().negativePrompt());
        }
        sidecar.put("provider", job.provider());
        sidecar.put("model", job.model());
        sidecar.put("sandbox", job.sandbox());
        sidecar.put("task_id", job.taskId());
        sidecar.put("parameters", job.spec());
        sidecar.put("source_file", job.promptFileName());
        sidecar.put("source_line", job.spec().line());
        sidecar.put("job", job.seq());
        sidecar.put("output", output.index() + 1);
        sidecar.put("kind", output.kind());
        sidecar.put("bytes", written.bytes());
        sidecar.put("sha256", written.sha256());
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("queued_at", String.valueOf(job.createdAt()));
        timings.put("submitted_at", String.valueOf(job.submittedAt()));
        Instant completedAt = task != null ? task.getCompletedAt() : null;
        timings.put("completed_at", String.valueOf(completedAt));
        timings.put("written_at", writtenAt.toString());
        if (job.submittedAt() != null && completedAt != null) {
            timings.put("task_seconds", Duration.between(job.submittedAt(), completedAt).toMillis() / 1000.0);
        }
        if (job.createdAt() != null) {
            timings.put("total_seconds", Duration.between(job.createdAt(), writtenAt).toMillis() / 1000.0);
        }
        sidecar.put("timings", timings);
        // what the job's task cost, where its provider said (the same figure in each of its outputs' sidecars)
        Double cost = task != null && task.getCostAmount() != null ? task.getCostAmount() : job.cost();
        String unit = task != null && task.getCostAmount() != null ? task.getCostUnit() : job.costUnit();
        if (cost != null) {
            sidecar.put("cost", Map.of("amount", cost, "unit", String.valueOf(unit)));
        }
        return sidecar;
    }
}
