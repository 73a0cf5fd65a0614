package dev.promptrelay.prompt;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.promptrelay.output.FileNames;
import dev.promptrelay.provider.ProviderCatalog;
import dev.promptrelay.provider.ProviderMapping;

/**
 * Turns a prompt file into jobs, or rejects it whole with the file, line and field at fault, before any paid call.
 * Every format shares one field vocabulary ({@link JobFields}); defaults come from the settings, then the file, then
 * the job.
 */
public class PromptFileReader {

    /** The prompt file formats, by extension. */
    public static final List<String> FORMATS = List.of("txt", "md", "json", "jsonl", "yaml", "yml");

    private final ProviderCatalog providers;
    private final long maxFileBytes;
    private final int maxJobs;
    private final JobFields jobFields;

    /** The providers jobs are checked against. */
    public ProviderCatalog providers() {
        return providers;
    }

    public PromptFileReader(ProviderCatalog providers, String defaultProvider, long maxFileBytes, int maxJobs,
                            InputImages images) {
        this.providers = providers;
        this.maxFileBytes = maxFileBytes;
        this.maxJobs = maxJobs;
        this.jobFields = new JobFields(providers, defaultProvider, images);
    }

    /** The largest prompt file read, in bytes ({@code promptrelay.max-prompt-file-bytes}). */
    long maxFileBytes() {
        return maxFileBytes;
    }

    /**
     * One look at a prompt file just taken from the inbox (its reading is an exchange property): the jobs as the
     * body once it holds still, or nothing yet when the route should look again.
     */
    public void look(org.apache.camel.Exchange exchange) {
        PromptFileReading reading = exchange.getProperty(PromptFileReading.PROPERTY, PromptFileReading.class);
        List<JobSpec> jobs = reading.look(this);
        if (jobs != null) {
            exchange.getMessage().setBody(jobs);
        }
    }

    /**
     * @param content the file's bytes, or null when it is larger than the limit
     * @param size    its size in bytes
     * @param name    the name the user gave it, used in every message
     */
    public List<JobSpec> parse(byte[] content, long size, String name) {
        String extension = FileNames.lowerCaseExtension(name);
        if (!FORMATS.contains(extension)) {
            throw new PromptFileException(name, null, null,
                    "unsupported file type '" + (extension.isEmpty() ? "(none)" : "." + extension) + "'",
                    "save the prompts as " + String.join(", ", FORMATS.stream().map(f -> "." + f).toList())
                    + " and drop the file into the inbox again");
        }
        String text = text(content, size, name);
        PromptFileContent parsed = switch (extension) {
            case "txt" -> TextPromptFile.parse(text, name);
            case "md" -> MarkdownPromptFile.parse(text, name);
            case "json" -> JsonPromptFile.parse(text, name);
            case "jsonl" -> JsonPromptFile.parseLines(text, name);
            default -> YamlPromptFile.parse(text, name);
        };
        if (parsed.jobs().isEmpty()) {
            throw new PromptFileException(name, null, null, "the file holds no prompt",
                    extension.equals("txt")
                            ? "write one prompt per line (lines starting with # are comments) and drop the file again"
                            : "write at least one job with a prompt and drop the file again");
        }
        List<JobSpec> tasks = new ArrayList<>();
        for (RawJob raw : parsed.jobs()) {
            RawJob effective = raw.over(parsed.defaults());
            JobSpec job = jobFields.read(effective, name);
            ProviderMapping mapping = providers.mapping(job.provider());
            try {
                mapping.validate(job, name);
            } catch (PromptFileException e) {
                // the provider knows the field at fault; the file knows its line
                Integer line = e.field() == null ? null : effective.fieldLines().get(e.field());
                if (line == null && "size".equals(e.field())) {
                    line = effective.fieldLines().getOrDefault("width", effective.fieldLines().get("height"));
                }
                throw line == null ? e : new PromptFileException(name, line, e.field(), e.getMessage(), e.fix());
            }
            if (job.seed() == null && mapping.drawsUnsetSeed()) {
                job = job.withSeed(Seeds.draw(job.count()));
            }
            tasks.addAll(mapping.imagesPerTask(job));
        }
        if (tasks.size() > maxJobs) {
            throw new PromptFileException(name, null, null, "the file asks for " + tasks.size()
                                                            + " tasks, more than the limit of " + maxJobs,
                    "split it into smaller files, or raise promptrelay.max-jobs-per-file");
        }
        return tasks;
    }

    private String text(byte[] bytes, long size, String name) {
        if (bytes == null || size > maxFileBytes) {
            throw new PromptFileException(name, null, null,
                    "the file is " + size + " bytes, more than the limit of " + maxFileBytes + " bytes",
                    "split it into smaller prompt files, or raise promptrelay.max-prompt-file-bytes");
        }
        for (byte b : bytes) {
            if (b == 0) {
                throw notText(name);
            }
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw notText(name);
        }
    }

    private static PromptFileException notText(String name) {
        return new PromptFileException(name, null, null, "the file is not UTF-8 text",
                "save the prompts as plain UTF-8 text and drop the file again");
    }
}
