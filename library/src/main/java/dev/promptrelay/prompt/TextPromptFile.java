package dev.promptrelay.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@code .txt} prompt file: one prompt per non-empty line, {@code #} comments, and options after the prompt in the
 * prompts-from-file style: {@code a red fox --seed 42 --negative_prompt "blurry" --size 1024x768}.
 */
final class TextPromptFile {

    private TextPromptFile() {
    }

    static PromptFileContent parse(String text, String file) {
        List<RawJob> jobs = new ArrayList<>();
        String[] lines = text.split("\r\n|\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            jobs.add(parseLine(line, i + 1, file));
        }
        return new PromptFileContent(null, jobs);
    }

    static RawJob parseLine(String line, int lineNumber, String file) {
        RawJob job = RawJob.empty(lineNumber);
        List<String> words = split(line, lineNumber, file);
        StringBuilder prompt = new StringBuilder();
        int i = 0;
        while (i < words.size() && !isOption(words.get(i))) {
            prompt.append(prompt.isEmpty() ? "" : " ").append(words.get(i));
            i++;
        }
        job.put("prompt", prompt.toString(), lineNumber, file);
        while (i < words.size()) {
            String option = words.get(i);
            if (!isOption(option)) {
                throw strayWords(words, i, lineNumber, file);
            }
            String field = option.substring(2).toLowerCase(Locale.ROOT).replace('-', '_');
            if (i + 1 >= words.size() || isOption(words.get(i + 1))) {
                throw new PromptFileException(file, lineNumber, field, "the option " + option + " has no value",
                        "write a value after it, like " + option + " 42, and quote values with spaces");
            }
            job.put(field, words.get(i + 1), lineNumber, file);
            i += 2;
        }
        return job;
    }

    /** Words after an option's value: an unquoted value of several words, or prompt words written after the options. */
    private static PromptFileException strayWords(List<String> words, int at, int lineNumber, String file) {
        String option = words.get(at - 2);
        String value = words.get(at - 1);
        List<String> stray = new ArrayList<>();
        for (int i = at; i < words.size() && !isOption(words.get(i)); i++) {
            stray.add(words.get(i));
        }
        String rest = String.join(" ", stray);
        return new PromptFileException(file, lineNumber, option.substring(2).toLowerCase(Locale.ROOT).replace('-', '_'),
                "the words '" + rest + "' follow the value of " + option + " (" + value + ") and are no option",
                "quote a value of several words, like " + option + " \"" + value + " " + rest + "\", or move the words "
                + "into the prompt, before the first option");
    }

    private static boolean isOption(String word) {
        return word.startsWith("--") && word.length() > 2 && Character.isLetter(word.charAt(2));
    }

    /** Splits on spaces, keeping "double" or 'single' quoted values whole; the prompt itself needs no quotes. */
    private static List<String> split(String line, int lineNumber, String file) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == '\\' && i + 1 < line.length() && line.charAt(i + 1) == quote) {
                    word.append(quote);
                    i++;
                } else if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else if ((c == '"' || c == '\'') && !inWord && afterOption(words)) {
                quote = c;
                inWord = true;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new PromptFileException(file, lineNumber, null, "a quoted value is not closed",
                    "close the quote with " + quote);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** Quotes open a value only right after an option, so apostrophes in prompts stay as written. */
    private static boolean afterOption(List<String> words) {
        return !words.isEmpty() && isOption(words.get(words.size() - 1));
    }
}
