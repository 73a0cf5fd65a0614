package dev.promptrelay.provider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptrelay.journal.Job;
import dev.promptrelay.prompt.JobSpec;
import dev.promptrelay.prompt.PromptFileException;

/**
 * A provider promptrelay knows from a {@link ProviderProfile} rather than from Java: the same routes, journal,
 * polling, pacing and output writing as the built-in providers; the profile gives only the wire format.
 */
public class ProfileMapping implements ProviderMapping {

    /** Poll addresses the submit's answers gave, by task: asked while this process runs; the template after a restart. */
    private final Map<String, String> pollUrls = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > 10_000;
        }
    });

    private final ProviderProfile profile;
    private final ProviderSettings settings;
    private final Function<String, String> settingValues;
    private final Function<String, String> environment;
    /** Set when promptrelay.webhook.base-url is, and the profile says how to ask for webhooks. */
    private volatile Webhooks webhooks;

    /**
     * @param settingValues the value of a setting a template names ({@code {setting:name}}), or null
     * @param environment   the environment variables a template names ({@code {env:NAME}})
     */
    public ProfileMapping(ProviderProfile profile, ProviderSettings settings, Function<String, String> settingValues,
                          Function<String, String> environment) {
        this.profile = profile;
        this.settings = settings;
        this.settingValues = settingValues;
        this.environment = environment;
    }

    public ProviderProfile profile() {
        return profile;
    }

    /** Asks the provider for a webhook at each submit (where its profile says how); null: never. */
    public void useWebhooks(Webhooks webhooks) {
        this.webhooks = profile.sendsWebhooks() ? webhooks : null;
    }

    /** Whether the submit's answer is the result (no task to poll: the answer is kept and read instead). */
    public boolean isSync() {
        return profile.sync;
    }

    /** Whether this provider's tasks are told of by webhook. */
    public boolean sendsWebhooks() {
        return webhooks != null;
    }

    /**
     * Whether a webhook is this job's: its address's token, the signature the provider documents (with the secret
     * set for it), and the task it names (where the profile says where).
     *
     * @param signingSecret {@code promptrelay.<id>.webhook-secret}, or blank
     */
    public boolean genuineWebhook(Job job, String token, Map<String, String> headers, String body, String signingSecret) {
        if (webhooks == null || job == null || !webhooks.genuine(profile.id, job.id(), token)) {
            return false;
        }
        if ("standard-webhooks".equals(profile.webhookSignature) && signingSecret != null && !signingSecret.isBlank()
            && !Webhooks.signedBy(signingSecret, header(headers, "webhook-id"), header(headers, "webhook-timestamp"),
                header(headers, "webhook-signature"), body, java.time.Instant.now())) {
            return false;
        }
        String named = ProviderProfile.readText(profile.webhookTaskId, ProviderJson.parse(body));
        return named == null || named.equals(job.taskId());
    }

    private static String header(Map<String, String> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    @Override
    public ProviderSettings settings() {
        return settings;
    }

    @Override
    public String displayName() {
        return profile.name;
    }

    @Override
    public String keyVariables() {
        String setting = "promptrelay." + profile.id + ".api-key";
        return profile.keyEnv == null ? setting : profile.keyEnv + " (or " + setting + ")";
    }

    @Override
    public void validate(JobSpec job, String fileName) {
        if (profile.namesModel && (job.model() == null || job.model().isBlank())) {
            throw new PromptFileException(fileName, job.line(), "model", profile.name + " needs a model, and neither the "
                    + "job nor promptrelay." + profile.id + ".model names one",
                    "add \"model\" to the job" + (profile.models.isEmpty() ? "" : ", e.g. " + profile.models.keySet().iterator().next()));
        }
        ProviderProfile.ModelCaps caps = profile.models.get(job.model());
        if (caps == null) {
            return;
        }
        if (caps.maxWidth() != null && job.width() != null && job.width() > caps.maxWidth()) {
            throw new PromptFileException(fileName, job.line(), "width", job.model() + " makes images at most "
                    + caps.maxWidth() + " px wide, and " + job.width() + " were asked", "ask for " + caps.maxWidth() + " or less");
        }
        if (caps.maxHeight() != null && job.height() != null && job.height() > caps.maxHeight()) {
            throw new PromptFileException(fileName, job.line(), "height", job.model() + " makes images at most "
                    + caps.maxHeight() + " px high, and " + job.height() + " were asked", "ask for " + caps.maxHeight() + " or less");
        }
    }

    @Override
    public List<JobSpec> imagesPerTask(JobSpec job) {
        if (!profile.countInOneTask) {
            return ProviderMapping.super.imagesPerTask(job);
        }
        // a provider that takes a count makes that many in one task, up to what the model allows in one
        ProviderProfile.ModelCaps caps = profile.models.get(job.model());
        int perTask = caps == null || caps.maxCount() == null ? Integer.MAX_VALUE : Math.max(1, caps.maxCount());
        int count = job.count() == null ? 1 : job.count();
        if (count <= perTask) {
            return List.of(job);
        }
        List<JobSpec> tasks = new ArrayList<>();
        for (int start = 0; start < count; start += perTask) {
            // seeds go on from task to task: the same seed would pay for the same pictures again
            tasks.add(job.withCount(Math.min(perTask, count - start)).withSeed(job.seed() == null ? null : job.seed() + start));
        }
        return tasks;
    }

    @Override
    public ProviderCall submitCall(Job job) {
        Function<String, Object> values = values(job, null);
        JsonNode body = ProfileTemplate.fill(profile.submitBody, values);
        ObjectNode object = body instanceof ObjectNode o ? o : ProviderJson.JSON.createObjectNode();
        String address = address(profile.submit, values);
        if (webhooks != null) {
            // where the provider is to say that the task ended: this job's own address (see Webhooks)
            if (profile.webhookBody != null && ProfileTemplate.fill(profile.webhookBody, values) instanceof ObjectNode fields) {
                object.setAll(fields);
            }
            StringBuilder query = new StringBuilder();
            profile.webhookQuery.forEach((name, template) -> {
                String value = ProfileTemplate.fill(template, values);
                if (value != null) {
                    query.append(query.length() == 0 ? "" : "&").append(java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8))
                            .append('=').append(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
                }
            });
            if (query.length() > 0) {
                address += (address.contains("?") ? "&" : "?") + query;
            }
        }
        if (job.spec().extra() != null && !job.spec().extra().isEmpty()) {
            // a prompt file's own fields go where the provider reads its inputs (Replicate's "input")
            ObjectNode target = object;
            for (String part : profile.extraFields.isEmpty() ? new String[0] : profile.extraFields.split("\\.")) {
                target = target.has(part) && target.get(part).isObject() ? (ObjectNode) target.get(part) : target.putObject(part);
            }
            ObjectNode into = target;
            job.spec().extra().forEach((k, v) -> into.set(k, ProviderJson.JSON.valueToTree(v)));
        }
        Map<String, String> headers = headers(profile.submit, values);
        headers.put("Content-Type", "application/json");
        return new ProviderCall(profile.submit.method(), address, headers, ProviderJson.toBytes(object));
    }

    /**
     * Whether an address an answer gives is the provider's own, so the key may go there: its host, or a host of its
     * domain (BFL's regional api.us1.bfl.ai beside api.bfl.ai), same scheme. Elsewhere the profile's template is asked.
     */
    boolean providersOwn(String url) {
        try {
            java.net.URI target = java.net.URI.create(url);
            java.net.URI base = java.net.URI.create(settings.baseUrl());
            if (target.getHost() == null || base.getHost() == null || !base.getScheme().equalsIgnoreCase(target.getScheme())) {
                return false;
            }
            String host = target.getHost().toLowerCase(Locale.ROOT);
            String own = base.getHost().toLowerCase(Locale.ROOT);
            if (host.equals(own)) {
                return target.getPort() == base.getPort();
            }
            String[] labels = own.split("\\.");
            return labels.length >= 3 && host.endsWith("." + own.substring(own.indexOf('.') + 1));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** fal answers a failed request's result with its error (422, say): that is the task's end, read as a report. */
    @Override
    public HttpAnswer interpret(HttpAnswer raw, ProviderCall call) {
        if (call != null && call.isForResult() && raw.status() >= 400 && raw.status() < 500 && raw.status() != 429) {
            return new HttpAnswer(200, raw.headers(), raw.body());
        }
        return raw;
    }

    @Override
    public String taskIdFrom(HttpAnswer answer) {
        JsonNode root = ProviderJson.parse(answer.body());
        String taskId = ProviderProfile.readText(profile.taskId, root);
        if (profile.sync && taskId == null) {
            // the answer names no task: it is the result, kept by the job's id; this only tells answers apart in logs
            taskId = "sync-" + java.util.UUID.randomUUID();
        }
        String pollUrl = ProviderProfile.readText(profile.pollUrl, root);
        if (taskId != null && pollUrl != null && providersOwn(pollUrl)) {
            pollUrls.put(taskId, pollUrl);
        }
        return taskId;
    }

    @Override
    public ProviderCall pollCall(String taskId) {
        return poll(null, taskId);
    }

    @Override
    public ProviderCall pollCall(Job job) {
        return profile.sync ? ProviderCall.keptAnswerOf(job.id()) : poll(job, job.taskId());
    }

    private ProviderCall poll(Job job, String taskId) {
        Function<String, Object> values = values(job, taskId);
        String given = pollUrls.get(taskId);
        return new ProviderCall(profile.poll.method(), given != null ? given : address(profile.poll, values),
                headers(profile.poll, values), null);
    }

    @Override
    public ProviderCall resultCall(Job job) {
        Function<String, Object> values = values(job, job.taskId());
        return new ProviderCall(profile.result.method(), address(profile.result, values), headers(profile.result, values), null);
    }

    @Override
    public ProviderCall cancelCall(Job job) {
        if (profile.cancel == null || job.taskId() == null) {
            return null;
        }
        Function<String, Object> values = values(job, job.taskId());
        return new ProviderCall(profile.cancel.method(), address(profile.cancel, values), headers(profile.cancel, values),
                profile.cancel.method().equals("GET") ? null : new byte[0]);
    }

    @Override
    public TaskReport readPoll(HttpAnswer answer) {
        return readPoll(answer, null);
    }

    @Override
    public TaskReport readPoll(HttpAnswer answer, ProviderCall call) {
        JsonNode root = ProviderJson.parse(answer.body());
        if (call != null && (call.isForResult() || call.isHeld())) {
            return succeeded("result", root);
        }
        String word = ProviderProfile.readText(profile.status, root);
        if (word != null && profile.notFound.contains(word.toLowerCase(Locale.ROOT))) {
            return new TaskReport(TaskStatus.FAILED, word, List.of(), profile.name + " does not know this task: it may "
                    + "have expired there, or never been taken", true, null);
        }
        TaskStatus status = word == null ? TaskStatus.UNKNOWN
                : profile.words.getOrDefault(word.toLowerCase(Locale.ROOT), TaskStatus.UNKNOWN);
        String shown = word == null ? "" : word;
        if (status == TaskStatus.SUCCEEDED && profile.failedWhen != null && ProviderProfile.read(profile.failedWhen, root) != null) {
            status = TaskStatus.FAILED;
        }
        switch (status) {
            case SUCCEEDED:
                if (profile.result != null) {
                    return TaskReport.resultPending(shown, duration(root));
                }
                return succeeded(shown, root);
            case FAILED:
            case CANCELED:
                return TaskReport.of(status, shown, List.of(), errorText(root, profile.name + " gave no reason"));
            default:
                return new TaskReport(status, shown, List.of(), null, false, progress(root));
        }
    }

    private TaskReport succeeded(String word, JsonNode root) {
        List<TaskOutput> outputs = outputs(root);
        if (outputs.isEmpty()) {
            String error = errorText(root, null);
            return TaskReport.of(TaskStatus.FAILED, word.equals("result") ? "failed" : word, List.of(), error != null ? error
                    : profile.name + " reported success but its answer has no outputs at "
                      + profile.outputs.stream().map(com.jayway.jsonpath.JsonPath::getPath).toList());
        }
        Double cost = number(profile.costPath, root);
        TaskReport report = TaskReport.of(TaskStatus.SUCCEEDED, word, outputs, null).withDuration(duration(root));
        return cost == null ? report : report.withCost(new TaskCost(cost, profile.costUnit));
    }

    /**
     * Where the last answer said nothing of cost: what the submit's answer said (journaled with the task, so the job
     * the poll took over carries it, after a restart too), else the profile's price.
     */
    @Override
    public TaskReport withCost(Job job, TaskReport report) {
        if (report.status() != TaskStatus.SUCCEEDED || report.cost() != null) {
            return report;
        }
        if (job.cost() != null) {
            return report.withCost(new TaskCost(job.cost(), job.costUnit()));
        }
        ProviderProfile.ModelCaps caps = profile.models.get(job.model());
        Double perImage = caps != null && caps.costPerImage() != null ? caps.costPerImage() : profile.costPerImage;
        return perImage == null ? report : report.withCost(new TaskCost(perImage * report.outputs().size(), profile.costUnit));
    }

    @Override
    public TaskCost submitCost(HttpAnswer answer) {
        Double cost = number(profile.costPath, ProviderJson.parse(answer.body()));
        return cost == null ? null : new TaskCost(cost, profile.costUnit);
    }

    private static Double number(com.jayway.jsonpath.JsonPath path, JsonNode root) {
        JsonNode value = ProviderProfile.read(path, root);
        return value != null && value.isNumber() ? value.asDouble() : null;
    }

    private List<TaskOutput> outputs(JsonNode root) {
        JsonNode types = ProviderProfile.read(profile.mediaTypes, root);
        List<TaskOutput> outputs = new ArrayList<>();
        List<JsonNode> urls = new ArrayList<>();
        for (com.jayway.jsonpath.JsonPath path : profile.outputs) {
            JsonNode found = ProviderProfile.read(path, root);
            if (found != null && found.isArray()) {
                found.forEach(urls::add);
            } else if (found != null) {
                urls.add(found);
            }
        }
        for (int i = 0; i < urls.size(); i++) {
            JsonNode item = urls.get(i);
            // a URL, or an object with one (fal's {url, content_type}), or the picture itself (OpenAI's b64_json)
            String url = item.isTextual() ? item.asText() : item.isObject() ? ProviderJson.text(item, "url") : null;
            String inline = item.isObject() ? ProviderJson.text(item, "b64_json") : null;
            if (url == null && inline != null) {
                url = "data:" + (profile.mediaType != null ? profile.mediaType : "image/png") + ";base64," + inline;
            }
            if (url == null || !(url.startsWith("https://") || url.startsWith("http://") || url.startsWith("data:"))) {
                continue;
            }
            String mediaType = item.isObject() ? ProviderJson.text(item, "content_type") : null;
            if (mediaType == null && url.startsWith("data:")) {
                mediaType = url.substring(5, url.indexOf(';') > 5 ? url.indexOf(';') : 5);
            }
            if (mediaType == null) {
                mediaType = profile.mediaType;
            }
            if (mediaType == null && types != null) {
                mediaType = types.isArray() ? (i < types.size() ? types.get(i).asText(null) : null) : types.asText(null);
            }
            String kind = mediaType != null && mediaType.toLowerCase(Locale.ROOT).startsWith("video/") ? "video" : profile.kind;
            String fallback = kind.equals("video") ? "mp4" : "png";
            String extension = ProviderJson.extensionOfMediaType(mediaType,
                    url.startsWith("data:") ? fallback : ProviderJson.extensionOf(url, fallback));
            outputs.add(new TaskOutput(outputs.size(), url, null, kind, extension));
        }
        return outputs;
    }

    private Double progress(JsonNode root) {
        JsonNode value = ProviderProfile.read(profile.progress, root);
        return value != null && value.isNumber() ? Math.max(0, Math.min(1, value.asDouble() / profile.progressMax)) : null;
    }

    private Long duration(JsonNode root) {
        JsonNode value = ProviderProfile.read(profile.duration, root);
        return value != null && value.isNumber() ? Math.round(value.asDouble() * profile.durationToMillis) : null;
    }

    @Override
    public ProviderCall downloadCall(TaskOutput output) {
        // result files sit on a file host: the key is not sent there
        return ProviderCall.get(output.url(), new LinkedHashMap<>());
    }

    @Override
    public String errorMessage(HttpAnswer answer) {
        String text = errorText(ProviderJson.parse(answer.body()), null);
        return text != null ? text : ProviderJson.shortBody(answer.body());
    }

    /** The first error text the profile's paths find: a string, an object's message or detail, or a list's first. */
    private String errorText(JsonNode root, String fallback) {
        for (com.jayway.jsonpath.JsonPath path : profile.error) {
            JsonNode value = ProviderProfile.read(path, root);
            if (value != null && value.isArray() && !value.isEmpty()) {
                value = value.get(0);
            }
            if (value == null) {
                continue;
            }
            if (value.isObject()) {
                for (String field : new String[] {"message", "msg", "detail"}) {
                    if (value.hasNonNull(field)) {
                        return value.get(field).asText();
                    }
                }
                return value.toString();
            }
            if (!value.asText().isBlank()) {
                return value.asText();
            }
        }
        return fallback;
    }

    @Override
    public String retryAfterHeader() {
        return profile.retryAfterHeader;
    }

    @Override
    public String resetHeader() {
        return profile.resetHeader;
    }

    private String address(ProviderProfile.Request request, Function<String, Object> values) {
        String filled = ProfileTemplate.fill(request.address(), values);
        if (filled == null) {
            throw new IllegalStateException(profile.file + ": the address " + request.address()
                                            + " names a value this job does not have");
        }
        return request.wholeUrl() ? filled : settings.baseUrl() + filled;
    }

    private Map<String, String> headers(ProviderProfile.Request request, Function<String, Object> values) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map<String, String> templates : List.of(profile.authHeaders, request.headers())) {
            templates.forEach((name, template) -> {
                String value = ProfileTemplate.fill(template, values);
                if (value != null) {
                    headers.put(name, value);
                }
            });
        }
        return headers;
    }

    /** The values a template may name, for this job (or only its task, when polling). */
    private Function<String, Object> values(Job job, String taskId) {
        JobSpec spec = job == null ? null : job.spec();
        String model = job != null ? job.model() : null;
        return name -> {
            if (name.startsWith("env:")) {
                return environment.apply(name.substring(4));
            }
            if (name.startsWith("setting:")) {
                return settingValues.apply(name.substring(8));
            }
            return switch (name) {
                case "key" -> settings.apiKey().isEmpty() ? null : settings.apiKey();
                case "base_url" -> settings.baseUrl();
                case "task_id" -> taskId;
                case "model" -> model;
                case "model_app" -> model == null ? null : String.join("/", java.util.Arrays.stream(model.split("/")).limit(2).toList());
                case "webhook_url" -> webhooks == null || job == null ? null : webhooks.urlFor(profile.id, job.id());
                default -> spec == null ? null : field(spec, name);
            };
        };
    }

    private static Object field(JobSpec spec, String name) {
        return switch (name) {
            case "prompt" -> spec.prompt();
            case "negative_prompt" -> spec.negativePrompt();
            case "type" -> spec.type();
            case "width" -> spec.width();
            case "height" -> spec.height();
            case "size" -> spec.width() == null || spec.height() == null ? null : spec.width() + "x" + spec.height();
            case "aspect_ratio" -> spec.aspectRatio();
            case "seed" -> spec.seed();
            case "steps" -> spec.steps();
            case "guidance" -> spec.guidance();
            case "count" -> spec.count();
            case "image" -> spec.image();
            default -> null;
        };
    }
}
