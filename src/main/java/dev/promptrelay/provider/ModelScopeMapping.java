package dev.promptrelay.provider;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptrelay.journal.Job;
import dev.promptrelay.prompt.JobSpec;
import dev.promptrelay.prompt.PromptFileException;

/**
 * ModelScope API-Inference: Bearer auth, async mode header on submit, task type header on poll, task ids as text or
 * number, {@code errors.message} in either place.
 */
public class ModelScopeMapping implements ProviderMapping {

    static final int MAX_PROMPT_CHARS = 2000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProviderSettings settings;

    public ModelScopeMapping(ProviderSettings settings) {
        this.settings = settings;
    }

    @Override
    public ProviderSettings settings() {
        return settings;
    }

    @Override
    public String displayName() {
        return "ModelScope";
    }

    @Override
    public void validate(JobSpec job, String fileName) {
        if (job.prompt().length() >= MAX_PROMPT_CHARS) {
            throw new PromptFileException(fileName, job.line(), "prompt",
                    "the prompt has " + job.prompt().length() + " characters; ModelScope takes fewer than "
                                                                   + MAX_PROMPT_CHARS,
                    "shorten the prompt");
        }
        if (job.seed() != null && (job.seed() < 0 || job.seed() > Integer.MAX_VALUE)) {
            throw new PromptFileException(fileName, job.line(), "seed", "seed " + job.seed() + " is out of range",
                    "use a seed from 0 to " + Integer.MAX_VALUE + ", or leave it out for a random one");
        }
        if (job.steps() != null && (job.steps() < 1 || job.steps() > 100)) {
            throw new PromptFileException(fileName, job.line(), "steps", "steps " + job.steps() + " is out of range",
                    "use 1 to 100 steps");
        }
        if (job.guidance() != null && (job.guidance() < 1.5 || job.guidance() > 20)) {
            throw new PromptFileException(fileName, job.line(), "guidance",
                    "guidance " + job.guidance() + " is out of range", "use a guidance from 1.5 to 20");
        }
    }

    @Override
    public ProviderCall submitCall(Job job) {
        JobSpec spec = job.spec();
        ObjectNode body = JSON.createObjectNode();
        body.put("model", job.model());
        body.put("prompt", spec.prompt());
        putIfSet(body, "negative_prompt", spec.negativePrompt());
        putIfSet(body, "size", spec.size());
        if (spec.seed() != null) {
            body.put("seed", spec.seed());
        }
        if (spec.steps() != null) {
            body.put("steps", spec.steps());
        }
        if (spec.guidance() != null) {
            body.put("guidance", spec.guidance());
        }
        if (spec.loras() != null) {
            body.set("loras", JSON.valueToTree(spec.loras()));
        }
        putIfSet(body, "image_url", spec.image());
        if (spec.extra() != null) {
            spec.extra().forEach((k, v) -> body.set(k, JSON.valueToTree(v)));
        }
        Map<String, String> headers = authorized();
        headers.put("Content-Type", "application/json");
        headers.put("X-ModelScope-Async-Mode", "true");
        return ProviderCall.post(settings.baseUrl() + "/v1/images/generations", headers, toBytes(body));
    }

    @Override
    public String taskIdFrom(HttpAnswer answer) {
        // task_status SUCCEED in a submit answer only means "accepted"
        JsonNode id = parse(answer.body()).path("task_id");
        return id.isValueNode() && !id.asText().isBlank() ? id.asText() : null;
    }

    @Override
    public ProviderCall pollCall(String taskId) {
        Map<String, String> headers = authorized();
        headers.put("X-ModelScope-Task-Type", "image_generation");
        return ProviderCall.get(settings.baseUrl() + "/v1/tasks/" + taskId, headers);
    }

    @Override
    public TaskReport readPoll(HttpAnswer answer) {
        JsonNode root = parse(answer.body());
        String word = root.path("task_status").asText("");
        String message = errorText(root);
        switch (word.toUpperCase(Locale.ROOT)) {
            case "PENDING":
                return TaskReport.of(TaskStatus.SUBMITTED, word, List.of(), null);
            case "RUNNING":
            case "PROCESSING":
                return TaskReport.of(TaskStatus.RUNNING, word, List.of(), null);
            case "SUCCEED":
            case "SUCCEEDED":
                return TaskReport.of(TaskStatus.SUCCEEDED, word, outputs(root), null);
            case "FAILED":
            case "CANCELED":
            case "UNKNOWN":
                boolean notFound = message != null && message.toLowerCase(Locale.ROOT).contains("task not found");
                return new TaskReport(TaskStatus.FAILED, word, List.of(),
                        message != null ? message : "the task ended " + word + " without a reason", notFound, null);
            default:
                return TaskReport.of(TaskStatus.UNKNOWN, word, List.of(), message);
        }
    }

    @Override
    public ProviderCall downloadCall(TaskOutput output) {
        // result URLs are public object-storage links: sending the key there would leak it
        return ProviderCall.get(output.url(), new LinkedHashMap<>());
    }

    @Override
    public String errorMessage(HttpAnswer answer) {
        String text = errorText(parse(answer.body()));
        return text != null ? text : shortBody(answer.body());
    }

    private static List<TaskOutput> outputs(JsonNode root) {
        List<TaskOutput> outputs = new ArrayList<>();
        JsonNode images = root.path("output_images");
        if (images.isMissingNode() || images.isEmpty()) {
            images = root.path("outputs").path("output_images");
        }
        for (JsonNode url : images) {
            outputs.add(new TaskOutput(outputs.size(), url.asText(), null, "image", extensionOf(url.asText(), "png")));
        }
        return outputs;
    }

    private static String errorText(JsonNode root) {
        JsonNode errors = root.path("errors");
        if (errors.hasNonNull("message")) {
            return errors.get("message").asText();
        }
        return root.hasNonNull("message") ? root.get("message").asText() : null;
    }

    static String extensionOf(String url, String fallback) {
        String path = url.replaceFirst("[?#].*$", "");
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        if (dot > slash && path.length() - dot <= 5) {
            return path.substring(dot + 1).toLowerCase(Locale.ROOT);
        }
        return fallback;
    }

    static String shortBody(String body) {
        String flat = body.replaceAll("\\s+", " ").strip();
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }

    private Map<String, String> authorized() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + settings.apiKey());
        return headers;
    }

    private static void putIfSet(ObjectNode body, String field, String value) {
        if (value != null && !value.isBlank()) {
            body.put(field, value);
        }
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static byte[] toBytes(JsonNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a request body", e);
        }
    }
}
