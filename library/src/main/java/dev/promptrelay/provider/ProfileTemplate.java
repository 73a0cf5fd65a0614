package dev.promptrelay.provider;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code {field}} templates of a provider profile: paths, headers and request bodies filled from a job. A value
 * that is only {@code "{seed}"} keeps its type (a number stays a number); a field whose template names a value the job
 * does not have is left out, so the provider's own default applies, as with the built-in providers.
 */
final class ProfileTemplate {

    /** The names a template may use, besides {@code env:NAME} and {@code setting:name}. */
    static final List<String> FIELDS = List.of("prompt", "negative_prompt", "model", "model_app", "type", "width",
            "height", "size", "aspect_ratio", "seed", "steps", "guidance", "count", "image", "task_id", "key",
            "base_url", "webhook_url");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_.:-]*)}");
    private static final Pattern WHOLE = Pattern.compile("^\\{([A-Za-z_][A-Za-z0-9_.:-]*)}$");

    private ProfileTemplate() {
    }

    /** Every name the text uses. */
    static Set<String> names(String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Every name used anywhere in a body template, with the key path it is at. */
    static void namesIn(JsonNode template, String path, java.util.function.BiConsumer<String, String> found) {
        if (template.isTextual()) {
            names(template.asText()).forEach(name -> found.accept(path, name));
        } else if (template.isObject()) {
            template.fields().forEachRemaining(e -> namesIn(e.getValue(), path + "." + e.getKey(), found));
        } else if (template.isArray()) {
            for (int i = 0; i < template.size(); i++) {
                namesIn(template.get(i), path + "[" + i + "]", found);
            }
        }
    }

    /** The text filled in, or null when it names a value that is not set. */
    static String fill(String text, Function<String, Object> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Object value = values.apply(m.group(1));
            if (value == null) {
                return null;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(value)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The body template filled in; fields (and objects left empty) whose values are not set are left out. */
    static JsonNode fill(JsonNode template, Function<String, Object> values) {
        if (template.isTextual()) {
            Matcher whole = WHOLE.matcher(template.asText());
            if (whole.matches()) {
                Object value = values.apply(whole.group(1));
                return value == null ? null : ProviderJson.JSON.valueToTree(value);
            }
            String text = fill(template.asText(), values);
            return text == null ? null : JsonNodeFactory.instance.textNode(text);
        }
        if (template.isObject()) {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = template.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode value = fill(field.getValue(), values);
                if (value != null) {
                    object.set(field.getKey(), value);
                }
            }
            return object.isEmpty() && !template.isEmpty() ? null : object;
        }
        if (template.isArray()) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            for (JsonNode item : template) {
                JsonNode value = fill(item, values);
                if (value != null) {
                    array.add(value);
                }
            }
            return array.isEmpty() && !template.isEmpty() ? null : array;
        }
        return template;
    }
}
