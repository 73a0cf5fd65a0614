package dev.promptrelay.prompt;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptrelay.Json;

/**
 * A {@code .json} prompt file (one job object, an array of them, or {@code {"defaults": {...}, "jobs": [...]}}) or a
 * {@code .jsonl} one (a job object per line). Every field keeps its line for messages.
 */
final class JsonPromptFile {

    private static final ObjectMapper JSON = Json.MAPPER;

    private JsonPromptFile() {
    }

    static PromptFileContent parse(String text, String file) {
        try (JsonParser parser = JSON.createParser(text)) {
            JsonToken first = parser.nextToken();
            PromptFileContent content;
            if (first == null) {
                content = new PromptFileContent(null, List.of());
            } else if (first == JsonToken.START_ARRAY) {
                content = new PromptFileContent(null, jobArray(parser, file));
            } else if (first == JsonToken.START_OBJECT) {
                content = object(parser, file);
            } else {
                throw new PromptFileException(file, 1, null, "the file is not a JSON job object or array of them",
                        "write {\"prompt\": \"...\"}, [{...}, {...}] or {\"defaults\": {...}, \"jobs\": [...]}");
            }
            if (parser.nextToken() != null) {
                throw new PromptFileException(file, parser.currentTokenLocation().getLineNr(), null,
                        "there is more after the JSON value", "remove what follows the closing bracket");
            }
            return content;
        } catch (JsonProcessingException e) {
            throw invalid(file, e, 0);
        } catch (IOException e) {
            throw new PromptFileException(file, null, null, "the file could not be read: " + e.getMessage(),
                    "drop it into the inbox again");
        }
    }

    static PromptFileContent parseLines(String text, String file) {
        List<RawJob> jobs = new ArrayList<>();
        String[] lines = text.split("\r\n|\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            try (JsonParser parser = JSON.createParser(lines[i])) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw new PromptFileException(file, i + 1, null, "the line is not a JSON job object",
                            "write one {\"prompt\": \"...\"} object per line");
                }
                jobs.add(job(parser, file, i));
                if (parser.nextToken() != null) {
                    throw new PromptFileException(file, i + 1, null, "there is more after the job object on this line",
                            "write one object per line");
                }
            } catch (JsonProcessingException e) {
                throw invalid(file, e, i);
            } catch (IOException e) {
                throw new PromptFileException(file, i + 1, null, "the line could not be read: " + e.getMessage(),
                        "fix the line and drop the file again");
            }
        }
        return new PromptFileContent(null, jobs);
    }

    private static PromptFileException invalid(String file, JsonProcessingException e, int lineOffset) {
        Integer line = e.getLocation() == null ? null : e.getLocation().getLineNr() + lineOffset;
        return new PromptFileException(file, line, null, "the JSON is not valid: " + e.getOriginalMessage(),
                "fix the JSON and drop the file again");
    }

    /** A top-level object: one job, or defaults and jobs. */
    private static PromptFileContent object(JsonParser parser, String file) throws IOException {
        RawJob single = RawJob.empty(parser.currentTokenLocation().getLineNr());
        RawJob defaults = null;
        List<RawJob> jobs = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            int line = parser.currentTokenLocation().getLineNr();
            JsonToken value = parser.nextToken();
            if (field.equals("defaults") && value == JsonToken.START_OBJECT) {
                defaults = job(parser, file);
            } else if (field.equals("jobs") && value == JsonToken.START_ARRAY) {
                jobs = jobArray(parser, file);
            } else {
                single.put(field, JSON.readValue(parser, Object.class), line, file);
            }
        }
        if (jobs == null && defaults == null) {
            return new PromptFileContent(null, List.of(single));
        }
        if (!single.fields().isEmpty() || jobs == null) {
            String stray = single.fields().isEmpty() ? "defaults" : single.fields().keySet().iterator().next();
            throw new PromptFileException(file, single.fieldLines().getOrDefault(stray, single.line()), stray,
                    jobs == null ? "there are defaults but no \"jobs\" list" : "'" + stray + "' stands beside defaults and jobs",
                    "put shared fields in \"defaults\" and each job in the \"jobs\" list");
        }
        return new PromptFileContent(defaults, jobs);
    }

    private static List<RawJob> jobArray(JsonParser parser, String file) throws IOException {
        List<RawJob> jobs = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
            jobs.add(job(parser, file));
        }
        if (token != JsonToken.END_ARRAY) {
            throw new PromptFileException(file, parser.currentTokenLocation().getLineNr(), null,
                    "the list holds something other than job objects", "make every entry a {...} job object");
        }
        return jobs;
    }

    private static RawJob job(JsonParser parser, String file) throws IOException {
        return job(parser, file, 0);
    }

    /** @param lineOffset lines before the text the parser reads (a .jsonl line is parsed on its own) */
    private static RawJob job(JsonParser parser, String file, int lineOffset) throws IOException {
        RawJob job = RawJob.empty(parser.currentTokenLocation().getLineNr() + lineOffset);
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            int line = parser.currentTokenLocation().getLineNr() + lineOffset;
            parser.nextToken();
            job.put(field, JSON.readValue(parser, Object.class), line, file);
        }
        return job;
    }
}
