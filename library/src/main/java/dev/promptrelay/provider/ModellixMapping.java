package dev.promptrelay.provider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptrelay.journal.Job;
import dev.promptrelay.prompt.JobSpec;
import dev.promptrelay.prompt.PromptFileException;

/**
 * Modellix: Bearer auth, every answer in a {@code {code, message, data}} envelope, models written
 * {@code <vendor>/<model_id>}, a submit path whose form changed over time (a setting picks it), images and videos
 * listed as resources. Java rather than a profile: a profile cannot say an envelope whose {@code code} overrides the
 * HTTP status, nor a size written per vendor (1328*1328, 2048x2048, Kling's resolution class).
 */
public class ModellixMapping implements ProviderMapping {

    /** The submit path forms the API has had; {@code /{provider}/{model_id}} is the current one. */
    public static final List<String> SUBMIT_PATHS = List.of("/{provider}/{model_id}", "/{provider}/{model_id}/async",
            "/{type}/{provider}/{model_id}/async");

    private final ProviderSettings settings;
    private final String submitPath;

    public ModellixMapping(ProviderSettings settings, String submitPath) {
        if (!SUBMIT_PATHS.contains(submitPath)) {
            throw new IllegalArgumentException("promptrelay.modellix.submit-path is '" + submitPath
                                               + "'; use one of " + String.join(", ", SUBMIT_PATHS));
        }
        this.settings = settings;
        this.submitPath = submitPath;
    }

    @Override
    public ProviderSettings settings() {
        return settings;
    }

    @Override
    public String displayName() {
        return "Modellix";
    }

    @Override
    public void validate(JobSpec job, String fileName) {
        if (job.model() == null || !job.model().matches("[A-Za-z0-9._-]+/[A-Za-z0-9._-]+")) {
            throw new PromptFileException(fileName, job.line(), "model",
                    "Modellix model '" + job.model() + "' is not written <vendor>/<model_id>",
                    "name the model with its vendor, e.g. alibaba/qwen-image-plus or bytedance/seedream-4.5-t2i");
        }
        if (job.type().startsWith("image-to-") && job.image() == null) {
            throw new PromptFileException(fileName, job.line(), "image", "type " + job.type() + " needs an input image",
                    "add \"image\" with the URL or data URI of the picture to start from");
        }
        if (job.aspectRatio() != null && !job.aspectRatio().matches("\\d+:\\d+")) {
            throw new PromptFileException(fileName, job.line(), "aspect_ratio",
                    "aspect_ratio '" + job.aspectRatio() + "' is not written W:H", "write it like 16:9");
        }
    }

    @Override
    public ProviderCall submitCall(Job job) {
        JobSpec spec = job.spec();
        String[] model = job.model().split("/", 2);
        String path = submitPath.replace("{type}", spec.type()).replace("{provider}", model[0])
                .replace("{model_id}", model[1]);
        ObjectNode body = ProviderJson.JSON.createObjectNode();
        body.put("prompt", spec.prompt());
        ProviderJson.putIfSet(body, "negative_prompt", spec.negativePrompt());
        if (spec.seed() != null) {
            body.put("seed", spec.seed());
        }
        putSize(body, model[0], spec);
        ProviderJson.putIfSet(body, "image_url", spec.image());
        if (spec.extra() != null) {
            spec.extra().forEach((k, v) -> body.set(k, ProviderJson.JSON.valueToTree(v)));
        }
        Map<String, String> headers = authorized();
        headers.put("Content-Type", "application/json");
        return ProviderCall.post(settings.baseUrl() + path, headers, ProviderJson.toBytes(body));
    }

    /** The size separator is the vendor's: Alibaba writes 1328*1328, ByteDance 2048x2048, Kling a resolution class. */
    private static void putSize(ObjectNode body, String vendor, JobSpec spec) {
        String v = vendor.toLowerCase(Locale.ROOT);
        if (v.equals("kling")) {
            String ratio = spec.aspectRatio() != null ? spec.aspectRatio() : ratioOf(spec.width(), spec.height());
            ProviderJson.putIfSet(body, "aspect_ratio", ratio);
            if (spec.width() != null && spec.height() != null) {
                body.put("resolution", Math.max(spec.width(), spec.height()) > 1024 ? "2k" : "1k");
            }
            return;
        }
        if (spec.width() != null && spec.height() != null) {
            body.put("size", spec.width() + (v.equals("alibaba") ? "*" : "x") + spec.height());
        }
        ProviderJson.putIfSet(body, "aspect_ratio", spec.aspectRatio());
    }

    private static String ratioOf(Integer width, Integer height) {
        if (width == null || height == null) {
            return null;
        }
        int a = width;
        int b = height;
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return (width / a) + ":" + (height / a);
    }

    /** A 200 answer whose envelope code is not 0 is an error with that status. */
    @Override
    public HttpAnswer interpret(HttpAnswer raw) {
        JsonNode code = ProviderJson.parse(raw.body()).path("code");
        if (raw.ok() && code.canConvertToInt() && code.asInt() != 0) {
            int status = code.asInt() >= 100 && code.asInt() < 600 ? code.asInt() : 500;
            return new HttpAnswer(status, raw.headers(), raw.body());
        }
        return raw;
    }

    @Override
    public String taskIdFrom(HttpAnswer answer) {
        return ProviderJson.text(ProviderJson.parse(answer.body()).path("data"), "task_id");
    }

    @Override
    public ProviderCall pollCall(String taskId) {
        return ProviderCall.get(settings.baseUrl() + "/tasks/" + taskId, authorized());
    }

    @Override
    public TaskReport readPoll(HttpAnswer answer) {
        JsonNode data = ProviderJson.parse(answer.body()).path("data");
        String word = data.path("status").asText("");
        switch (word.toLowerCase(Locale.ROOT)) {
            case "pending":
                return TaskReport.of(TaskStatus.SUBMITTED, word, List.of(), null);
            case "processing":
            case "running":
                return TaskReport.of(TaskStatus.RUNNING, word, List.of(), null);
            case "success":
            case "succeeded":
            case "completed":
                List<TaskOutput> outputs = outputs(data.path("result").path("resources"));
                if (outputs.isEmpty()) {
                    return TaskReport.of(TaskStatus.FAILED, word, List.of(),
                            "Modellix reported success but listed no result resources");
                }
                JsonNode duration = data.path("duration");
                return TaskReport.of(TaskStatus.SUCCEEDED, word, outputs, null)
                        .withDuration(duration.isNumber() ? duration.asLong() : null);
            case "failed":
            case "error":
                return TaskReport.of(TaskStatus.FAILED, word, List.of(), failureReason(data));
            case "canceled":
            case "cancelled":
                return TaskReport.of(TaskStatus.CANCELED, word, List.of(), failureReason(data));
            default:
                return TaskReport.of(TaskStatus.UNKNOWN, word, List.of(), null);
        }
    }

    /** A failed task may carry no reason at all; say so rather than print "null". */
    private static String failureReason(JsonNode data) {
        for (String field : new String[] {"error", "message", "reason"}) {
            JsonNode value = data.path(field);
            if (value.isTextual() && !value.asText().isBlank()) {
                return value.asText();
            }
            if (value.isObject() && value.hasNonNull("message")) {
                return value.get("message").asText();
            }
        }
        return "Modellix gave no reason";
    }

    private static List<TaskOutput> outputs(JsonNode resources) {
        List<TaskOutput> outputs = new ArrayList<>();
        for (JsonNode resource : resources) {
            String url = ProviderJson.text(resource, "url");
            if (url == null) {
                continue;
            }
            String kind = "video".equalsIgnoreCase(resource.path("type").asText("")) ? "video" : "image";
            String fallback = kind.equals("video") ? "mp4" : "png";
            String format = ProviderJson.text(resource, "format");
            String extension = format != null && format.matches("[A-Za-z0-9]{2,5}") ? format.toLowerCase(Locale.ROOT)
                    : ProviderJson.extensionOf(url, fallback);
            outputs.add(new TaskOutput(outputs.size(), url, null, kind, extension));
        }
        return outputs;
    }

    @Override
    public ProviderCall downloadCall(TaskOutput output) {
        // result files sit on a public file host: the key is not sent there
        return ProviderCall.get(output.url(), new LinkedHashMap<>());
    }

    /** The envelope's {@code message}, written {@code Category: detail}; else the raw body. */
    @Override
    public String errorMessage(HttpAnswer answer) {
        String message = ProviderJson.text(ProviderJson.parse(answer.body()), "message");
        return message != null ? message : ProviderJson.shortBody(answer.body());
    }

    @Override
    public String adviceFor(int status) {
        return switch (status) {
            case 402 -> "your Modellix balance is too low for this job: top it up, then drop the prompt file again "
                        + "(this submit was refused, so nothing was charged)";
            case 404 -> "check that the model exists at Modellix (written <vendor>/<model_id>) and that "
                        + "promptrelay.modellix.submit-path matches the API version, then drop the prompt file again";
            default -> null;
        };
    }

    private Map<String, String> authorized() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + settings.apiKey());
        return headers;
    }
}
