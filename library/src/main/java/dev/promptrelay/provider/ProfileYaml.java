package dev.promptrelay.provider;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A provider profile's YAML as a JSON tree, with the line each value stands on: every mistake found later in the
 * profile is reported at its line. Keys are addressed as {@code submit.body.input.prompt}.
 */
final class ProfileYaml {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    final String file;
    final JsonNode root;
    private final Map<String, Integer> lines = new HashMap<>();

    private ProfileYaml(String file, String text) {
        this.file = file;
        Node node;
        try {
            Optional<Node> composed = new Compose(LoadSettings.builder().build()).composeString(text);
            node = composed.orElse(null);
        } catch (MarkedYamlEngineException e) {
            throw new ProviderProfileException(file, e.getProblemMark().map(m -> m.getLine() + 1).orElse(null), null,
                    "the YAML is not valid: " + e.getProblem(), "fix the YAML and start again");
        } catch (YamlEngineException e) {
            throw new ProviderProfileException(file, null, null, "the YAML is not valid: " + e.getMessage(),
                    "fix the YAML and start again");
        }
        if (!(node instanceof MappingNode)) {
            throw new ProviderProfileException(file, node == null ? null : line(node), null,
                    "a provider profile is a YAML mapping (base-url: ..., submit: ..., poll: ...)",
                    "start from one of the profiles in docs/providers.md");
        }
        this.root = convert(node, "");
    }

    static ProfileYaml parse(String file, String text) {
        return new ProfileYaml(file, text);
    }

    /** The line of the value at this key path, or of the nearest enclosing one that has a line. */
    Integer line(String path) {
        for (String p = path; ; p = p.substring(0, Math.max(0, p.lastIndexOf('.')))) {
            Integer line = lines.get(p);
            if (line != null || p.isEmpty()) {
                return line;
            }
        }
    }

    private JsonNode convert(Node node, String path) {
        lines.putIfAbsent(path, line(node));
        if (node instanceof MappingNode map) {
            ObjectNode object = NODES.objectNode();
            for (NodeTuple tuple : map.getValue()) {
                if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                    throw new ProviderProfileException(file, line(tuple.getKeyNode()), path, "a key must be a plain word",
                            "write key: value");
                }
                String child = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
                if (object.has(key.getValue())) {
                    throw new ProviderProfileException(file, line(key), child, "'" + key.getValue() + "' is given twice",
                            "keep one of them");
                }
                lines.put(child, line(key));
                object.set(key.getValue(), convert(tuple.getValueNode(), child));
            }
            return object;
        }
        if (node instanceof SequenceNode list) {
            ArrayNode array = NODES.arrayNode();
            int i = 0;
            for (Node item : list.getValue()) {
                array.add(convert(item, path + "[" + i++ + "]"));
            }
            return array;
        }
        ScalarNode scalar = (ScalarNode) node;
        String value = scalar.getValue();
        Tag tag = scalar.getTag();
        if (Tag.NULL.equals(tag)) {
            return NODES.nullNode();
        }
        if (Tag.BOOL.equals(tag)) {
            return NODES.booleanNode(Boolean.parseBoolean(value.toLowerCase(java.util.Locale.ROOT)));
        }
        if (Tag.INT.equals(tag)) {
            try {
                return NODES.numberNode(Long.parseLong(value));
            } catch (NumberFormatException e) {
                return NODES.textNode(value);
            }
        }
        if (Tag.FLOAT.equals(tag)) {
            try {
                return NODES.numberNode(Double.parseDouble(value));
            } catch (NumberFormatException e) {
                return NODES.textNode(value);
            }
        }
        return NODES.textNode(value);
    }

    private static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }
}
