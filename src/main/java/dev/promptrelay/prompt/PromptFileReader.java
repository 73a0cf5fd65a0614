package dev.promptrelay.prompt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptrelay.output.FileNames;
import dev.promptrelay.provider.ProviderCatalog;
import dev.promptrelay.provider.ProviderMapping;

/**
 * Turns a prompt file into jobs, or rejects it whole with the file, line and field at fault, before any paid call.
 */
public class PromptFileReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProviderCatalog providers;
    private final String defaultProvider;
    private final long maxFileBytes;
    private final JobFields jobFields;

    public PromptFileReader(ProviderCatalog providers, String defaultProvider, long maxFileBytes) {
        this.providers = providers;
        this.jobFields = new JobFields(providers, defaultProvider);
        this.defaultProvider = defaultProvider;
        this.maxFileBytes = maxFileBytes;
    }

    /**
     * @param file the file to read (already moved out of the inbox)
     * @param name the name the user gave it, used in every message
     */
    public List<JobSpec> read(Path file, String name) {
        String extension = FileNames.lowerCaseExtension(name);
        List<JobSpec> jobs = switch (extension) {
            case "txt" -> readTextLines(readText(file, name), name);
            case "json" -> readJson(readText(file, name), name);
            default -> throw new PromptFileException(name, null, null,
                    "unsupported file type '" + (extension.isEmpty() ? "(none)" : "." + extension) + "'",
                    "save the prompts as .txt (one prompt per line) or .json (a job object, or an array of them) "
                    + "and drop the file into the inbox again");
        };
        if (jobs.isEmpty()) {
            throw new PromptFileException(name, null, null, "the file holds no prompt",
                    extension.equals("txt")
                            ? "write one prompt per line (lines starting with # are comments) and drop the file again"
                            : "write a job object with at least \"prompt\" and drop the file again");
        }
        List<JobSpec> tasks = new ArrayList<>();
        for (JobSpec job : jobs) {
            ProviderMapping mapping = providers.mapping(job.provider());
            mapping.validate(job, name);
            tasks.addAll(mapping.imagesPerTask(job));
        }
        return tasks;
    }

    /** One job object, or an array of them; every field's line is kept for messages. */
    private List<JobSpec> readJson(String text, String name) {
        List<JobSpec> jobs = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == JsonToken.START_OBJECT) {
                jobs.add(readJsonJob(parser, name));
            } else if (first == JsonToken.START_ARRAY) {
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    jobs.add(readJsonJob(parser, name));
                }
                if (parser.currentToken() != JsonToken.END_ARRAY) {
                    throw new PromptFileException(name, parser.currentTokenLocation().getLineNr(), null,
                            "the array holds something other than job objects", "make every entry a {...} job object");
                }
            } else if (first != null) {
                throw new PromptFileException(name, 1, null, "the file is not a JSON job object or array of them",
                        "write {\"prompt\": \"...\"} or [{...}, {...}]");
            }
            if (parser.nextToken() != null) {
                throw new PromptFileException(name, parser.currentTokenLocation().getLineNr(), null,
                        "there is more after the JSON value", "remove what follows the closing bracket");
            }
        } catch (JsonProcessingException e) {
            throw new PromptFileException(name, e.getLocation() == null ? null : e.getLocation().getLineNr(), null,
                    "the JSON is not valid: " + e.getOriginalMessage(), "fix the JSON and drop the file again");
        } catch (IOException e) {
            throw new PromptFileException(name, null, null, "the file could not be read: " + e.getMessage(),
                    "drop it into the inbox again");
        }
        return jobs;
    }

    private JobSpec readJsonJob(JsonParser parser, String name) throws IOException {
        int jobLine = parser.currentTokenLocation().getLineNr();
        Map<String, Object> fields = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            int line = parser.currentTokenLocation().getLineNr();
            if (fields.containsKey(field)) {
                throw new PromptFileException(name, line, field, "the field '" + field + "' is given twice",
                        "keep one of them");
            }
            parser.nextToken();
            fields.put(field, JSON.readValue(parser, Object.class));
            lines.put(field, line);
        }
        return jobFields.read(fields, name, jobLine, lines);
    }

    private List<JobSpec> readTextLines(String text, String name) {
        String provider = providers.require(defaultProvider, name, null);
        String model = providers.mapping(provider).defaultModel();
        List<JobSpec> jobs = new ArrayList<>();
        String[] lines = text.split("\r\n|\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            jobs.add(JobSpec.ofPrompt(line, provider, model, i + 1));
        }
        return jobs;
    }

    private String readText(Path file, String name) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > maxFileBytes) {
                throw new PromptFileException(name, null, null,
                        "the file is " + size + " bytes, more than the limit of " + maxFileBytes + " bytes",
                        "split it into smaller prompt files, or raise promptrelay.max-prompt-file-bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PromptFileException(name, null, null, "the file could not be read: " + e.getMessage(),
                    "check that promptrelay may read it, then drop it into the inbox again");
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
