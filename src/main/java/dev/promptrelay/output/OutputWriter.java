package dev.promptrelay.output;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.promptrelay.journal.Job;
import dev.promptrelay.journal.JobJournal;
import dev.promptrelay.observe.JobMetrics;
import dev.promptrelay.prompt.JobSpec;
import dev.promptrelay.provider.ProviderCatalog;
import dev.promptrelay.provider.TaskOutput;
import dev.promptrelay.provider.TaskProtocol;
import dev.promptrelay.provider.TaskWatch;
import org.apache.camel.Exchange;

/**
 * Writes one downloaded output into the outbox, {@code <outbox>/<prompt file>/<job>-<n>.<ext>}, with a JSON sidecar
 * recording everything that made it.
 */
public class OutputWriter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path outbox;
    private final JobJournal journal;
    private final ProviderCatalog providers;
    private final JobMetrics metrics;

    public OutputWriter(Path outbox, JobJournal journal, ProviderCatalog providers, JobMetrics metrics) {
        this.outbox = outbox;
        this.metrics = metrics;
        this.journal = journal;
        this.providers = providers;
    }

    /** @return the written file's path, as text: Camel would read a Path body's content when logging it */
    public String write(Exchange exchange) throws IOException {
        Job job = exchange.getProperty(TaskProtocol.JOB, Job.class);
        TaskOutput output = exchange.getProperty(TaskProtocol.OUTPUT, TaskOutput.class);
        TaskWatch task = exchange.getProperty(TaskProtocol.TASK, TaskWatch.class);
        Path dir = outbox.resolve(folderFor(job.promptFileName()));
        String base = FileNames.safe(job.spec().name() != null ? job.spec().name() : jobNumber(job), "job")
                      + "-" + (output.index() + 1);
        Path target = AtomicFiles.unusedPath(dir, base, output.extension());
        AtomicFiles.Written written;
        try (InputStream download = exchange.getMessage().getMandatoryBody(InputStream.class);
             InputStream content = output.extension().equals("png")
                     ? PngParameters.insert(download, parameters(job)) : download) {
            written = AtomicFiles.write(target, content);
        } catch (org.apache.camel.InvalidPayloadException e) {
            throw new IOException("the download of " + job.label() + " had no content", e);
        }
        Instant writtenAt = Instant.now();
        if (task != null && task.getCompletedAt() != null) {
            metrics.completionToWritten(job.provider(), Duration.between(task.getCompletedAt(), writtenAt));
        }
        AtomicFiles.write(AtomicFiles.sidecarOf(target),
                JSON.writeValueAsBytes(sidecar(job, output, task, written, writtenAt)));
        journal.recordOutput(job.id(), output.index(), outbox.relativize(target).toString(), written.bytes(),
                written.sha256());
        return target.toString();
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
        sidecar.put("sandbox", providers.mapping(job.provider()).settings().sandbox());
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
        return sidecar;
    }
}
