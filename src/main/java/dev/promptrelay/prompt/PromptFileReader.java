package dev.promptrelay.prompt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.promptrelay.output.FileNames;
import dev.promptrelay.provider.ProviderCatalog;

/**
 * Turns a prompt file into jobs, or rejects it whole with the file, line and field at fault, before any paid call.
 */
public class PromptFileReader {

    private final ProviderCatalog providers;
    private final String defaultProvider;
    private final long maxFileBytes;

    public PromptFileReader(ProviderCatalog providers, String defaultProvider, long maxFileBytes) {
        this.providers = providers;
        this.defaultProvider = defaultProvider;
        this.maxFileBytes = maxFileBytes;
    }

    /**
     * @param file the file to read (already moved out of the inbox)
     * @param name the name the user gave it, used in every message
     */
    public List<JobSpec> read(Path file, String name) {
        String extension = FileNames.lowerCaseExtension(name);
        if (!extension.equals("txt")) {
            throw new PromptFileException(name, null, null,
                    "unsupported file type '" + (extension.isEmpty() ? "(none)" : "." + extension) + "'",
                    "save the prompts as a .txt file, one prompt per line, and drop it into the inbox again");
        }
        String text = readText(file, name);
        List<JobSpec> jobs = readTextLines(text, name);
        if (jobs.isEmpty()) {
            throw new PromptFileException(name, null, null, "the file holds no prompt",
                    "write one prompt per line (lines starting with # are comments) and drop the file again");
        }
        for (JobSpec job : jobs) {
            providers.mapping(job.provider()).validate(job, name);
        }
        return jobs;
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
