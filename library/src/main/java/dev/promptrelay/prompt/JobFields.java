package dev.promptrelay.prompt;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.promptrelay.provider.ProviderCatalog;
import dev.promptrelay.provider.ProviderMapping;

/**
 * The field vocabulary every prompt file format shares, read from a map of field names to values into a
 * {@link JobSpec}; each mistake names the file, the line and the field.
 */
public class JobFields {

    public static final List<String> NAMES = List.of("prompt", "negative_prompt", "provider", "model", "type", "size",
            "width", "height", "aspect_ratio", "seed", "steps", "guidance", "count", "loras", "image", "name", "extra");
    /** More images than this from one job is almost surely a typo, and would be paid for. */
    public static final int MAX_COUNT = 16;

    private static final Pattern SIZE = Pattern.compile("(\\d{1,5})\\s*[xX*×]\\s*(\\d{1,5})");

    private final ProviderCatalog providers;
    private final String defaultProvider;
    private final InputImages images;

    public JobFields(ProviderCatalog providers, String defaultProvider, InputImages images) {
        this.providers = providers;
        this.defaultProvider = defaultProvider;
        this.images = images;
    }

    public JobSpec read(RawJob job, String file) {
        return read(job.fields(), file, job.line(), job.fieldLines());
    }

    /**
     * @param fields    the job's fields as parsed
     * @param file      the prompt file's name, for messages
     * @param jobLine   the line the job starts on
     * @param fieldLine the line of each field, for messages (the job's line where a field has none)
     */
    public JobSpec read(Map<String, Object> fields, String file, int jobLine, Map<String, Integer> fieldLine) {
        Where where = new Where(file, jobLine, fieldLine);
        for (String field : fields.keySet()) {
            if (!NAMES.contains(field)) {
                throw where.problem(field, "unknown field '" + field + "'",
                        "remove it, or use one of " + String.join(", ", NAMES)
                        + " (put provider-specific options under \"extra\")");
            }
        }
        String prompt = text(fields, "prompt", where);
        if (prompt == null || prompt.isBlank()) {
            throw where.problem("prompt", "the job has no prompt", "add \"prompt\" with the text to generate from");
        }
        noControlCharacters(prompt, "prompt", where);
        String negativePrompt = text(fields, "negative_prompt", where);
        noControlCharacters(negativePrompt, "negative_prompt", where);
        String provider = text(fields, "provider", where);
        provider = providers.require(provider != null ? provider.strip() : defaultProvider, file,
                where.lineOf("provider"));
        ProviderMapping mapping = providers.mapping(provider);
        String model = text(fields, "model", where);
        String type = text(fields, "type", where);
        if (type != null && !JobSpec.TYPES.contains(type)) {
            throw where.problem("type", "unknown type '" + type + "'", "use one of " + String.join(", ", JobSpec.TYPES));
        }
        Integer width = integer(fields, "width", where);
        Integer height = integer(fields, "height", where);
        String size = text(fields, "size", where);
        if (size != null) {
            Matcher m = SIZE.matcher(size.strip());
            if (!m.matches()) {
                throw where.problem("size", "size '" + size + "' is not written WIDTHxHEIGHT",
                        "write it like 1024x1024 (1024*1024 works too)");
            }
            width = Integer.parseInt(m.group(1));
            height = Integer.parseInt(m.group(2));
        }
        if ((width == null) != (height == null)) {
            throw where.problem(width == null ? "width" : "height", "width and height go together",
                    "give both, or use size like 1024x768");
        }
        Integer count = integer(fields, "count", where);
        if (count != null && (count < 1 || count > MAX_COUNT)) {
            throw where.problem("count", "count " + count + " is out of range",
                    "ask for 1 to " + MAX_COUNT + " images per job");
        }
        String image = text(fields, "image", where);
        if (type == null) {
            // an input picture makes an edit, whatever the model is called
            type = image != null && !image.isBlank() ? "image-to-image" : "text-to-image";
        }
        if (image != null) {
            image = images.check(image.strip(), file, where.lineOf("image"));
        }
        String name = text(fields, "name", where);
        if (name != null && (name.isBlank() || name.contains("/") || name.contains("\\") || name.contains("..")
                             || name.chars().anyMatch(Character::isISOControl) || name.length() > 100)) {
            throw where.problem("name", "the name '" + name.replaceAll("\\p{Cntrl}", "?")
                                        + "' could place files outside the outbox",
                    "use a plain file name without slashes, '..' or control characters, at most 100 characters");
        }
        Object extra = fields.get("extra");
        if (extra != null && !(extra instanceof Map)) {
            throw where.problem("extra", "extra must be an object", "write it like {\"watermark\": false}");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> extraMap = extra == null ? null : new LinkedHashMap<>((Map<String, Object>) extra);
        Long seed = wholeNumber(fields, "seed", where);
        Number guidance = number(fields, "guidance", where);
        return new JobSpec(prompt.strip(), negativePrompt, provider,
                model != null ? model.strip() : mapping.defaultModel(), type, width, height,
                text(fields, "aspect_ratio", where), seed, integer(fields, "steps", where),
                guidance == null ? null : guidance.doubleValue(), count == null ? 1 : count, fields.get("loras"), image,
                name == null ? null : name.strip(), extraMap, jobLine, null);
    }

    private static String text(Map<String, Object> fields, String field, Where where) {
        Object value = fields.get(field);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        if (value instanceof Number && !field.equals("prompt")) {
            // a YAML model id or name like 1234 reads as a number
            return value.toString();
        }
        throw where.problem(field, field + " must be text, not " + kindOf(value), "put the value in quotes");
    }

    /** What a value that is not text is, in a user's words. */
    private static String kindOf(Object value) {
        if (value instanceof byte[]) {
            return "binary data (a YAML !!binary value)";
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof java.util.Collection) {
            return "a list";
        }
        if (value instanceof Boolean) {
            return value + " (true or false)";
        }
        return value.getClass().getSimpleName();
    }

    /**
     * A control character (an escaped NUL in JSON, say) is no provider's prompt, and no image file can record
     * it: line breaks and tabs are text, the rest is a mistake.
     */
    private static void noControlCharacters(String text, String field, Where where) {
        if (text == null) {
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
                throw where.problem(field, field + " holds the control character U+" + String.format("%04X", (int) c)
                                           + " at character " + (i + 1) + ", which is not text",
                        "remove it (in JSON, an escape such as \\u0000)");
            }
        }
    }

    private static Number number(Map<String, Object> fields, String field, Where where) {
        Object value = fields.get(field);
        if (value == null || value instanceof Number) {
            return (Number) value;
        }
        // options written in text (.txt lines, front matter) arrive as words
        if (value instanceof String text && text.strip().matches("-?\\d+(\\.\\d+)?")) {
            // any length: one too long for a long is out of range, said by the caller with the field's name
            java.math.BigDecimal exact = new java.math.BigDecimal(text.strip());
            if (exact.scale() > 0) {
                return exact.doubleValue();
            }
            return exact.abs().compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
                    ? (Number) exact.longValueExact() : (Number) exact.toBigIntegerExact();
        }
        throw where.problem(field, field + " must be a number, not '" + value + "'", "write it without quotes, like 42");
    }

    private static Long wholeNumber(Map<String, Object> fields, String field, Where where) {
        Number value = number(fields, field, where);
        if (value == null) {
            return null;
        }
        double d = value.doubleValue();
        if (d != Math.rint(d)) {
            throw where.problem(field, field + " must be a whole number, not " + value, "write it like 42");
        }
        if (Math.abs(d) > 1e15) {
            throw where.problem(field, field + " " + (value instanceof java.math.BigInteger || value instanceof Long
                    ? value : java.math.BigDecimal.valueOf(d).toPlainString()) + " is far out of range",
                    "use a smaller number");
        }
        return value.longValue();
    }

    private static Integer integer(Map<String, Object> fields, String field, Where where) {
        Long value = wholeNumber(fields, field, where);
        if (value != null && Math.abs(value) > 1_000_000) {
            throw where.problem(field, field + " " + value + " is far out of range", "use a smaller number");
        }
        return value == null ? null : value.intValue();
    }

    private record Where(String file, int jobLine, Map<String, Integer> fieldLine) {

        Integer lineOf(String field) {
            return fieldLine.getOrDefault(field, jobLine);
        }

        PromptFileException problem(String field, String problem, String fix) {
            return new PromptFileException(file, lineOf(field), field, problem, fix);
        }
    }
}
