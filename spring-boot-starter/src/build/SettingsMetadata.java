import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes Spring Boot's configuration metadata for every promptrelay.* setting in promptrelay's defaults file: each
 * key with its description from the settings tables of the guides in docs/ (else the comment above it), its default and
 * a type read from the default. Run by the build (java SettingsMetadata.java application.properties docs out.json), so an
 * IDE completes exactly the settings promptrelay reads, described as the manual describes them.
 */
public final class SettingsMetadata {

    /** The settings only the starter reads, with their descriptions. */
    private static final String[][] STARTER_ONLY = {
            {"promptrelay.enabled", "java.lang.Boolean", "true",
             "false: the starter's auto-configuration brings nothing into the application (no journal, routes, folders or beans); a route of the application that uses the Kamelet promptrelay-generate-action still brings promptrelay in, as in any Camel application."}};
    /** Off in a Spring Boot application, whatever the runnable jar's default, and why. */
    private static final Map<String, String> OFF_IN_SPRING_BOOT = Map.of(
            "promptrelay.inbox.enabled", "In a Spring Boot application: off unless set to true.",
            "promptrelay.api.enabled", "In a Spring Boot application: off, and true stops the start (the API runs on "
                                       + "the runnable jar's embedded server).");

    public static void main(String[] args) throws IOException {
        List<String> properties = new ArrayList<>();
        for (String[] p : STARTER_ONLY) {
            properties.add(property(p[0], p[1], p[2], p[3]));
        }
        Map<String, String> manual = manual(Path.of(args[1]));
        List<String> comment = new ArrayList<>();
        for (String raw : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("# ---")) {
                comment.clear();
            } else if (line.startsWith("#")) {
                comment.add(line.substring(1).strip());
            } else if (line.startsWith("promptrelay.") && line.contains("=")) {
                String key = line.substring(0, line.indexOf('=')).strip();
                String value = line.substring(line.indexOf('=') + 1).strip();
                String description = manual.getOrDefault(key, String.join(" ", comment));
                if (OFF_IN_SPRING_BOOT.containsKey(key)) {
                    value = "false";
                    description = description + (description.endsWith(".") ? " " : ". ") + OFF_IN_SPRING_BOOT.get(key);
                }
                properties.add(property(key, type(value), value.contains("{{") ? null : value, description));
                comment.clear();
            } else {
                comment.clear();
            }
        }
        String json = "{\n  \"groups\": [\n    {\"name\": \"promptrelay\", \"description\": \"promptrelay: prompt files and "
                      + "messages in, images and videos from asynchronous generation providers out (docs/settings.md).\"}\n"
                      + "  ],\n  \"properties\": [\n" + String.join(",\n", properties) + "\n  ]\n}\n";
        Path out = Path.of(args[2]);
        Files.createDirectories(out.getParent());
        Files.writeString(out, json, StandardCharsets.UTF_8);
    }

    /** The guides' settings rows: | `promptrelay.a`, `.b` | default | description |, `<provider>` standing for each. */
    private static Map<String, String> manual(Path docs) throws IOException {
        Map<String, String> descriptions = new HashMap<>();
        List<Path> guides;
        try (var files = Files.list(docs)) {
            // the settings reference first: its description wins where another guide's table names a setting too
            guides = files.filter(f -> f.toString().endsWith(".md"))
                    .sorted(java.util.Comparator.comparing((Path f) -> !f.endsWith("settings.md")).thenComparing(Path::toString))
                    .toList();
        }
        List<String> lines = new ArrayList<>();
        for (Path guide : guides) {
            lines.addAll(Files.readAllLines(guide, StandardCharsets.UTF_8));
        }
        for (String line : lines) {
            String[] cells = line.split("(?<!\\\\)\\|");
            if (!line.startsWith("| `promptrelay.") || cells.length < 4) {
                continue;
            }
            String description = cells[3].strip().replace("`", "").replace("**", "");
            String first = null;
            Matcher name = Pattern.compile("`([^`]+)`").matcher(cells[1]);
            while (name.find()) {
                String full = name.group(1).startsWith(".") && first != null
                              ? first.substring(0, first.lastIndexOf('.')) + name.group(1) : name.group(1);
                first = first == null ? full : first;
                for (String provider : List.of("modelscope", "modellix", "scenario")) {
                    descriptions.putIfAbsent(full.replace("<provider>", provider), description);
                }
            }
        }
        return descriptions;
    }

    private static String type(String value) {
        if (value.equals("true") || value.equals("false")) {
            return "java.lang.Boolean";
        }
        return value.matches("-?\\d+") ? "java.lang.Long" : "java.lang.String";
    }

    private static String property(String name, String type, String defaultValue, String description) {
        StringBuilder json = new StringBuilder("    {\"name\": ").append(quote(name)).append(", \"type\": ").append(quote(type));
        if (!description.isEmpty()) {
            json.append(", \"description\": ").append(quote(description));
        }
        if (defaultValue != null && !defaultValue.isEmpty()) {
            json.append(", \"defaultValue\": ").append(type.equals("java.lang.String") ? quote(defaultValue) : defaultValue);
        }
        return json.append(", \"sourceType\": \"dev.promptrelay.spring.boot.PromptRelayAutoConfiguration\"}").toString();
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
