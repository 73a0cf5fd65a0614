package dev.promptrelay.provider;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptrelay.journal.Job;
import dev.promptrelay.prompt.JobSpec;
import dev.promptrelay.prompt.PromptFileException;

/**
 * Scenario: HTTP Basic auth with a key pair, jobs under {@code /generate/custom/{modelId}}, a job id as
 * {@code jobId} or {@code id}, results as asset ids whose signed download URLs are asked for right before each
 * download. Java rather than a profile: a profile cannot say an asset id whose URL must be asked for (and asked
 * again when a download is refused), nor Basic auth from a key pair.
 */
public class ScenarioMapping implements ProviderMapping {

    static final int MAX_SAMPLES = 8;
    static final Set<String> ASPECT_RATIOS = Set.of("1:1", "4:3", "3:4", "9:16", "16:9");

    private final ProviderSettings settings;

    public ScenarioMapping(ProviderSettings settings) {
        this.settings = settings;
    }

    @Override
    public ProviderSettings settings() {
        return settings;
    }

    @Override
    public String displayName() {
        return "Scenario";
    }

    @Override
    public void validate(JobSpec job, String fileName) {
        if (job.model() == null || !job.model().matches("[A-Za-z0-9._-]+")) {
            throw new PromptFileException(fileName, job.line(), "model",
                    "Scenario model '" + job.model() + "' is not a model id",
                    "use the model id Scenario shows, e.g. model_imagen4-ultra or flux.1-dev");
        }
        for (Integer side : new Integer[] {job.width(), job.height()}) {
            if (side != null && (side % 16 != 0 || side < 256 || side > 2048)) {
                throw new PromptFileException(fileName, job.line(), "size",
                        "Scenario takes widths and heights that are multiples of 16 from 256 to 2048, not " + side,
                        "round the size to a multiple of 16, e.g. 1024x768");
            }
        }
        if (job.aspectRatio() != null && !ASPECT_RATIOS.contains(job.aspectRatio())) {
            throw new PromptFileException(fileName, job.line(), "aspect_ratio",
                    "Scenario does not take aspect_ratio '" + job.aspectRatio() + "'",
                    "use one of 1:1, 4:3, 3:4, 9:16, 16:9");
        }
        if (job.type().startsWith("image-to-") && job.image() == null) {
            throw new PromptFileException(fileName, job.line(), "image", "type " + job.type() + " needs an input image",
                    "add \"image\" with the URL or data URI of the picture to start from");
        }
        if (job.count() != null && job.count() > MAX_SAMPLES) {
            throw new PromptFileException(fileName, job.line(), "count", "Scenario makes at most " + MAX_SAMPLES
                                                                         + " images per job, not " + job.count(),
                    "ask for " + MAX_SAMPLES + " or fewer, or split the job in two");
        }
    }

    /** Scenario's body is per model and not every model takes a seed: one sent to such a model could fail the job. */
    @Override
    public boolean drawsUnsetSeed() {
        return false;
    }

    /** One Scenario job makes all of a job's images (numSamples). */
    @Override
    public List<JobSpec> imagesPerTask(JobSpec job) {
        return List.of(job);
    }

    @Override
    public ProviderCall submitCall(Job job) {
        JobSpec spec = job.spec();
        ObjectNode body = ProviderJson.JSON.createObjectNode();
        body.put("prompt", spec.prompt());
        ProviderJson.putIfSet(body, "negativePrompt", spec.negativePrompt());
        if (spec.width() != null && spec.height() != null) {
            body.put("width", spec.width());
            body.put("height", spec.height());
        }
        ProviderJson.putIfSet(body, "aspectRatio", spec.aspectRatio());
        if (spec.seed() != null) {
            body.put("seed", spec.seed());
        }
        if (spec.steps() != null) {
            body.put("numInferenceSteps", spec.steps());
        }
        if (spec.guidance() != null) {
            body.put("guidance", spec.guidance());
        }
        if (spec.count() != null && spec.count() > 1) {
            body.put("numSamples", spec.count());
        }
        ProviderJson.putIfSet(body, "image", spec.image());
        if (spec.extra() != null) {
            spec.extra().forEach((k, v) -> body.set(k, ProviderJson.JSON.valueToTree(v)));
        }
        Map<String, String> headers = authorized();
        headers.put("Content-Type", "application/json");
        return ProviderCall.post(settings.baseUrl() + "/generate/custom/" + job.model(), headers,
                ProviderJson.toBytes(body));
    }

    @Override
    public String taskIdFrom(HttpAnswer answer) {
        JsonNode job = ProviderJson.parse(answer.body()).path("job");
        String id = ProviderJson.text(job, "jobId");
        return id != null ? id : ProviderJson.text(job, "id");
    }

    @Override
    public ProviderCall pollCall(String taskId) {
        return ProviderCall.get(settings.baseUrl() + "/jobs/" + taskId, authorized());
    }

    @Override
    public TaskReport readPoll(HttpAnswer answer) {
        JsonNode job = ProviderJson.parse(answer.body()).path("job");
        String word = job.path("status").asText("");
        Double progress = job.path("progress").isNumber() ? job.path("progress").asDouble() : null;
        JsonNode metadata = job.path("metadata");
        switch (word.toLowerCase(Locale.ROOT)) {
            case "pending":
            case "queued":
            case "warming-up":
                return new TaskReport(TaskStatus.SUBMITTED, word, List.of(), null, false, progress);
            case "in-progress":
            case "finalizing":
                return new TaskReport(TaskStatus.RUNNING, word, List.of(), null, false, progress);
            case "success":
                List<TaskOutput> outputs = new ArrayList<>();
                for (JsonNode assetId : metadata.path("assetIds")) {
                    outputs.add(new TaskOutput(outputs.size(), null, assetId.asText(), "image", "png"));
                }
                if (outputs.isEmpty()) {
                    return TaskReport.of(TaskStatus.FAILED, word, List.of(), "Scenario reported success but listed no assets");
                }
                return new TaskReport(TaskStatus.SUCCEEDED, word, outputs, null, false, progress);
            case "failure":
            case "failed":
                return TaskReport.of(TaskStatus.FAILED, word, List.of(), failureReason(metadata));
            case "canceled":
            case "cancelled":
                return TaskReport.of(TaskStatus.CANCELED, word, List.of(), failureReason(metadata));
            default:
                return new TaskReport(TaskStatus.UNKNOWN, word, List.of(), null, false, progress);
        }
    }

    private static String failureReason(JsonNode metadata) {
        JsonNode error = metadata.path("error");
        if (error.isTextual() && !error.asText().isBlank()) {
            return error.asText();
        }
        if (error.isObject()) {
            String text = ProviderJson.text(error, "message");
            return text != null ? text : error.toString();
        }
        return "Scenario gave no reason";
    }

    @Override
    public ProviderCall linkCall(TaskOutput output) {
        return ProviderCall.get(settings.baseUrl() + "/assets/" + output.reference(), authorized());
    }

    @Override
    public TaskOutput linked(TaskOutput output, HttpAnswer answer) {
        JsonNode asset = ProviderJson.parse(answer.body()).path("asset");
        String url = ProviderJson.text(asset, "url");
        if (url == null) {
            return null;
        }
        String mimeType = ProviderJson.text(asset, "mimeType");
        boolean video = "video".equalsIgnoreCase(asset.path("type").asText(""))
                        || mimeType != null && mimeType.startsWith("video/");
        String fallback = ProviderJson.extensionOf(url, video ? "mp4" : "png");
        return new TaskOutput(output.index(), url, output.reference(), video ? "video" : "image",
                ProviderJson.extensionOfMediaType(mimeType, fallback));
    }

    @Override
    public ProviderCall downloadCall(TaskOutput output) {
        // the URL is signed: it carries its own authorization, and the key pair must not go to the CDN
        return ProviderCall.get(output.url(), new LinkedHashMap<>());
    }

    /** {@code reason}, then {@code message}, then the raw body; a 429 also names the ceiling it hit. */
    @Override
    public String errorMessage(HttpAnswer answer) {
        JsonNode root = ProviderJson.parse(answer.body());
        String text = ProviderJson.text(root, "reason");
        if (text == null) {
            text = ProviderJson.text(root, "message");
        }
        if (text == null) {
            return ProviderJson.shortBody(answer.body());
        }
        JsonNode details = root.path("details");
        if (details.hasNonNull("actionName")) {
            text += " (" + details.path("actionName").asText() + ", limit " + details.path("actionLimit").asText("?") + ")";
        }
        return text;
    }

    @Override
    public String adviceFor(int status) {
        return switch (status) {
            case 401 -> "check promptrelay.scenario.api-key and promptrelay.scenario.api-secret "
                        + "(SCENARIO_API_KEY, SCENARIO_API_SECRET), then drop the prompt file again";
            case 403 -> "your Scenario plan may not include this model: pick another model or upgrade the plan, "
                        + "then drop the prompt file again";
            case 404 -> "check the model id in your Scenario workspace, then drop the prompt file again";
            default -> null;
        };
    }

    private Map<String, String> authorized() {
        String pair = settings.apiKey() + ":" + settings.apiSecret();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        return headers;
    }
}
