package dev.promptrelay.prompt;

import java.util.List;

/**
 * What a prompt file holds, whatever its format: file-level defaults (may be null) and the jobs.
 */
public record PromptFileContent(RawJob defaults, List<RawJob> jobs) {
}
