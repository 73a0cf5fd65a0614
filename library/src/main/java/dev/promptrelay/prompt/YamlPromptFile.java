package dev.promptrelay.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * A {@code .yaml} / {@code .yml} prompt file, in the shapes a {@code .json} one takes: one job, a list of jobs, or
 * {@code defaults} and {@code jobs}. Also reads the front matter of {@code .md} files.
 */
final class YamlPromptFile {

    private static final LoadSettings SETTINGS = LoadSettings.builder().setAllowDuplicateKeys(true).build();

    private YamlPromptFile() {
    }

    static PromptFileContent parse(String text, String file) {
        Node root = compose(text, file, 0);
        if (root == null) {
            return new PromptFileContent(null, List.of());
        }
        if (root instanceof SequenceNode list) {
            return new PromptFileContent(null, jobs(list, file, 0));
        }
        if (!(root instanceof MappingNode map)) {
            throw new PromptFileException(file, line(root, 0), null, "the file is not a YAML job or list of jobs",
                    "write prompt: ... on its own line, or a list of such jobs");
        }
        if (hasKey(map, "jobs") || hasKey(map, "defaults")) {
            RawJob defaults = null;
            List<RawJob> jobs = List.of();
            for (NodeTuple tuple : map.getValue()) {
                String key = key(tuple, file, 0);
                if (key.equals("defaults")) {
                    defaults = job(tuple.getValueNode(), file, 0);
                } else if (key.equals("jobs") && tuple.getValueNode() instanceof SequenceNode list) {
                    jobs = jobs(list, file, 0);
                } else {
                    throw new PromptFileException(file, line(tuple.getKeyNode(), 0), key,
                            key.equals("jobs") ? "jobs must be a list" : "unexpected '" + key + "' beside defaults and jobs",
                            "keep only defaults: {...} and jobs: [...] at the top");
                }
            }
            return new PromptFileContent(defaults, jobs);
        }
        return new PromptFileContent(null, List.of(job(map, file, 0)));
    }

    /** A mapping of job fields, such as a Markdown file's front matter; lines count from {@code firstLine}. */
    static RawJob fields(String text, String file, int lineOffset, int jobLine) {
        Node root = compose(text, file, lineOffset);
        if (root == null) {
            return RawJob.empty(jobLine);
        }
        RawJob job = job(root, file, lineOffset);
        return new RawJob(job.fields(), jobLine, job.fieldLines());
    }

    private static Node compose(String text, String file, int lineOffset) {
        try {
            Optional<Node> node = new Compose(SETTINGS).composeString(text);
            return node.orElse(null);
        } catch (MarkedYamlEngineException e) {
            Integer line = e.getProblemMark().map(m -> m.getLine() + 1 + lineOffset).orElse(null);
            throw new PromptFileException(file, line, null, "the YAML is not valid: " + e.getProblem(),
                    "fix the YAML and drop the file again");
        } catch (YamlEngineException e) {
            throw new PromptFileException(file, null, null, "the YAML is not valid: " + e.getMessage(),
                    "fix the YAML and drop the file again");
        }
    }

    private static List<RawJob> jobs(SequenceNode list, String file, int lineOffset) {
        List<RawJob> jobs = new ArrayList<>();
        for (Node item : list.getValue()) {
            jobs.add(job(item, file, lineOffset));
        }
        return jobs;
    }

    private static RawJob job(Node node, String file, int lineOffset) {
        if (!(node instanceof MappingNode map)) {
            throw new PromptFileException(file, line(node, lineOffset), null, "a job is not a set of fields",
                    "write each job as field: value lines, e.g. prompt: a red fox");
        }
        RawJob job = RawJob.empty(line(node, lineOffset));
        for (NodeTuple tuple : map.getValue()) {
            String key = key(tuple, file, lineOffset);
            Object value = new StandardConstructor(SETTINGS).constructSingleDocument(Optional.of(tuple.getValueNode()));
            job.put(key, value, line(tuple.getKeyNode(), lineOffset), file);
        }
        return job;
    }

    private static String key(NodeTuple tuple, String file, int lineOffset) {
        if (tuple.getKeyNode() instanceof ScalarNode scalar) {
            return scalar.getValue();
        }
        throw new PromptFileException(file, line(tuple.getKeyNode(), lineOffset), null, "a field name is not text",
                "write field names as plain words");
    }

    private static boolean hasKey(MappingNode map, String key) {
        return map.getValue().stream().anyMatch(t -> t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key));
    }

    private static int line(Node node, int lineOffset) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(1) + lineOffset;
    }
}
