package dev.promptrelay.provider;

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
 * number, {@code errors.message} in either place. Java rather than a profile: its checks of a job before anything is
 * paid (prompt length, seed, steps and guidance ranges, each model's largest size) and its LoRA field go beyond what a
 * profile's caps say, and the built-in sandbox speaks its protocol.
 */
public class ModelScopeMapping implements ProviderMapping {

    static final int MAX_PROMPT_CHARS = 2000;
    private static final ObjectMapper JSON = ProviderJson.JSON;

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
        Integer line = job.line();
        if (job.wantsVideo()) {
            throw new PromptFileException(fileName, line, "type", "ModelScope makes images, not '" + job.type() + "'",
                    "use type text-to-image or image-to-image, or send video jobs to provider modellix");
        }
        if (job.prompt().length() >= MAX_PROMPT_CHARS) {
            throw new PromptFileException(fileName, line, "prompt",
                    "the prompt has " + job.prompt().length() + " characters; ModelScope takes fewer than "
                                                          + MAX_PROMPT_CHARS,
                    "shorten the prompt");
        }
        int maxSide = maxSide(job.model());
        if (job.width() != null && job.height() != null
            && (job.width() < 64 || job.height() < 64 || job.width() > maxSide || job.height() > maxSide)) {
            throw new PromptFileException(fileName, line, "size", "ModelScope model " + job.model()
                                                                  + " cannot make " + job.size(),
                    "use a size from 64x64 to " + maxSide + "x" + maxSide + " for this model");
        }
        long lastSeed = job.seed() == null ? 0 : job.seed() + Math.max(0, (job.count() == null ? 1 : job.count()) - 1);
        if (job.seed() != null && (job.seed() < 0 || lastSeed > Integer.MAX_VALUE)) {
            throw new PromptFileException(fileName, line, "seed", "seed " + job.seed() + " is out of range"
                                                              + (lastSeed != job.seed() ? " for " + job.count()
                                                                 + " images (seed, seed+1, ...)" : ""),
                    "use a seed from 0 to " + Integer.MAX_VALUE + " (each further image takes the next one), or "
                    + "leave it out for a random one");
        }
        if (job.steps() != null && (job.steps() < 1 || job.steps() > 100)) {
            throw new PromptFileException(fileName, line, "steps", "steps " + job.steps() + " is out of range",
                    "use 1 to 100 steps");
        }
        if (job.guidance() != null && (job.guidance() < 1.5 || job.guidance() > 20)) {
            throw new PromptFileException(fileName, line, "guidance",
                    "guidance " + job.guidance() + " is out of range", "use a guidance from 1.5 to 20");
        }
        validateLoras(job, fileName);
    }

    /** The largest side a model family takes, as ModelScope documents it. */
    static int maxSide(String model) {
        String m = model == null ? "" : model.toLowerCase(Locale.ROOT);
        if (m.contains("flux")) {
            return 1024;
        }
        if (m.contains("qwen-image")) {
            return 1664;
        }
        return 2048;
    }

    private static void validateLoras(JobSpec job, String fileName) {
        Object loras = job.loras();
        if (loras == null || loras instanceof String s && !s.isBlank()) {
            return;
        }
        String fix = "give loras as one repo id, or as {\"repo/id\": weight, ...} with at most 6 entries whose weights sum to 1.0";
        if (!(loras instanceof Map<?, ?> map) || map.isEmpty() || map.size() > 6) {
            throw new PromptFileException(fileName, job.line(), "loras", "loras is not a repo id or a map of up to 6 weights", fix);
        }
        double sum = 0;
        for (Object weight : map.values()) {
            if (!(weight instanceof Number n)) {
                throw new PromptFileException(fileName, job.line(), "loras", "a lora weight is not a number", fix);
            }
            sum += n.doubleValue();
        }
        if (Math.abs(sum - 1.0) > 0.001) {
            throw new PromptFileException(fileName, job.line(), "loras", "the lora weights sum to " + sum + ", not 1.0", fix);
        }
    }

    @Override
    public ProviderCall submitCall(Job job) {
        JobSpec spec = job.spec();
        ObjectNode body = JSON.createObjectNode();
        body.put("model", job.model());
        body.put("prompt", spec.prompt());
        ProviderJson.putIfSet(body, "negative_prompt", spec.negativePrompt());
        ProviderJson.putIfSet(body, "size", spec.size());
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
        ProviderJson.putIfSet(body, "image_url", spec.image());
        if (spec.extra() != null) {
            spec.extra().forEach((k, v) -> body.set(k, JSON.valueToTree(v)));
        }
        Map<String, String> headers = authorized();
        headers.put("Content-Type", "application/json");
        headers.put("X-ModelScope-Async-Mode", "true");
        return ProviderCall.post(settings.baseUrl() + "/v1/images/generations", headers, ProviderJson.toBytes(body));
    }

    @Override
    public String taskIdFrom(HttpAnswer answer) {
        // task_status SUCCEED in a submit answer only means "accepted"
        return ProviderJson.text(ProviderJson.parse(answer.body()), "task_id");
    }

    @Override
    public ProviderCall pollCall(String taskId) {
        Map<String, String> headers = authorized();
        headers.put("X-ModelScope-Task-Type", "image_generation");
        return ProviderCall.get(settings.baseUrl() + "/v1/tasks/" + taskId, headers);
    }

    @Override
    public TaskReport readPoll(HttpAnswer answer) {
        JsonNode root = ProviderJson.parse(answer.body());
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
                JsonNode taken = root.path("time_taken");
                return TaskReport.of(TaskStatus.SUCCEEDED, word, outputs(root), null)
                        .withDuration(taken.isNumber() ? Math.round(taken.asDouble()) : null);
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
        String text = errorText(ProviderJson.parse(answer.body()));
        return text != null ? text : ProviderJson.shortBody(answer.body());
    }

    private static List<TaskOutput> outputs(JsonNode root) {
        List<TaskOutput> outputs = new ArrayList<>();
        JsonNode images = root.path("output_images");
        if (images.isMissingNode() || images.isEmpty()) {
            images = root.path("outputs").path("output_images");
        }
        for (JsonNode url : images) {
            outputs.add(new TaskOutput(outputs.size(), url.asText(), null, "image",
                    ProviderJson.extensionOf(url.asText(), "png")));
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

    private Map<String, String> authorized() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + settings.apiKey());
        return headers;
    }
}
