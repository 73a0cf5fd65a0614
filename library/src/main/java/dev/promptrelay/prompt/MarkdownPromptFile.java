package dev.promptrelay.prompt;

import java.util.List;

/**
 * A {@code .md} prompt file: optional YAML front matter between {@code ---} lines holds the options, and the body,
 * however many lines, is one prompt.
 */
final class MarkdownPromptFile {

    private MarkdownPromptFile() {
    }

    static PromptFileContent parse(String text, String file) {
        String[] lines = text.split("\r\n|\n|\r", -1);
        int bodyStart = 0;
        StringBuilder frontMatter = new StringBuilder();
        if (lines.length > 0 && lines[0].strip().equals("---")) {
            int end = -1;
            for (int i = 1; i < lines.length; i++) {
                if (lines[i].strip().equals("---")) {
                    end = i;
                    break;
                }
                frontMatter.append(lines[i]).append('\n');
            }
            if (end < 0) {
                throw new PromptFileException(file, 1, null, "the front matter has no closing --- line",
                        "end the options with a line holding only ---, then write the prompt below it");
            }
            bodyStart = end + 1;
        }
        while (bodyStart < lines.length && lines[bodyStart].isBlank()) {
            bodyStart++;
        }
        RawJob job = YamlPromptFile.fields(frontMatter.toString(), file, 1, bodyStart + 1);
        StringBuilder body = new StringBuilder();
        for (int i = bodyStart; i < lines.length; i++) {
            body.append(lines[i]).append('\n');
        }
        String prompt = body.toString().strip();
        if (!prompt.isEmpty()) {
            if (job.fields().containsKey("prompt")) {
                throw new PromptFileException(file, job.fieldLines().get("prompt"), "prompt",
                        "the prompt is given both in the front matter and below it", "keep one of them");
            }
            job.put("prompt", prompt, bodyStart + 1, file);
        }
        return new PromptFileContent(null, job.fields().isEmpty() ? List.of() : List.of(job));
    }
}
