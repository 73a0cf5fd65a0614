package dev.promptrelay.prompt;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One job's fields as a prompt file wrote them, before they are checked: values as parsed, and the line of each field
 * so every message can point at it.
 *
 * @param line the line the job starts on
 */
public record RawJob(Map<String, Object> fields, int line, Map<String, Integer> fieldLines) {

    public static RawJob empty(int line) {
        return new RawJob(new LinkedHashMap<>(), line, new LinkedHashMap<>());
    }

    /** These fields over the file's defaults: the job's own value wins. */
    public RawJob over(RawJob defaults) {
        if (defaults == null) {
            return this;
        }
        Map<String, Object> merged = new LinkedHashMap<>(defaults.fields());
        merged.putAll(fields);
        Map<String, Integer> lines = new LinkedHashMap<>(defaults.fieldLines());
        lines.putAll(fieldLines);
        return new RawJob(merged, line, lines);
    }

    /** Puts a field, refusing a second value for the same field. */
    void put(String field, Object value, int fieldLine, String file) {
        if (fields.containsKey(field)) {
            throw new PromptFileException(file, fieldLine, field, "the field '" + field + "' is given twice",
                    "keep one of them");
        }
        fields.put(field, value);
        fieldLines.put(field, fieldLine);
    }
}
