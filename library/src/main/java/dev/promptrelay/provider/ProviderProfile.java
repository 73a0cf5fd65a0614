package dev.promptrelay.provider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;

/**
 * One provider described in YAML rather than Java: where it is, how it signs in, how a job becomes its submit, where
 * the task id, status, progress, outputs and error text are in its answers. Read and checked whole at start: a
 * mistake stops the start with the file, line and what to write, before anything is paid for. See docs/providers.md.
 */
public final class ProviderProfile {

    private static final Configuration PATHS = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(ProviderJson.JSON))
            .mappingProvider(new JacksonMappingProvider(ProviderJson.JSON))
            .options(Option.SUPPRESS_EXCEPTIONS).build();

    private static final Set<String> TOP = Set.of("name", "kind", "docs", "base-url", "auth", "model", "models",
            "max-concurrent", "requests-per-minute", "typical-task-seconds", "submit", "poll", "status", "progress", "duration", "outputs",
            "result", "error", "rate-limit", "cancel", "webhook", "cost");
    private static final Set<String> COST = Set.of("path", "unit", "per-image");
    private static final Set<String> WEBHOOK = Set.of("query", "body", "task-id", "signature");
    private static final Set<String> AUTH = Set.of("key-env", "headers");
    private static final Set<String> SUBMIT = Set.of("method", "path", "url", "headers", "body", "extra-fields",
            "task-id", "poll-url");
    private static final Set<String> REQUEST = Set.of("method", "path", "url", "headers");
    private static final Set<String> STATUS = Set.of("path", "queued", "running", "succeeded", "failed", "cancelled",
            "failed-when", "not-found");
    private static final Set<String> PROGRESS = Set.of("path", "max");
    private static final Set<String> DURATION = Set.of("path", "unit");
    private static final Set<String> OUTPUTS = Set.of("path", "media-type", "kind");
    private static final Set<String> RATE_LIMIT = Set.of("retry-after", "reset");
    private static final Set<String> MODEL = Set.of("max-count", "max-width", "max-height", "kind", "cost-per-image");

    /** A request the profile describes: method, address template (a path after the base URL, or a whole URL), headers. */
    record Request(String method, String address, boolean wholeUrl, Map<String, String> headers) {
    }

    /** What a model allows; null where the profile says nothing. */
    record ModelCaps(Integer maxCount, Integer maxWidth, Integer maxHeight, String kind, Double costPerImage) {
    }

    final String id;
    final String file;
    /** The submit's answer is the result (the OpenAI images form): no task to poll. */
    final boolean sync;
    final String name;
    final String baseUrl;
    final String keyEnv;
    final Map<String, String> authHeaders;
    final String model;
    final Map<String, ModelCaps> models;
    final Integer maxConcurrent;
    final Integer requestsPerMinute;
    /** How long its tasks usually take, as its documentation says: "20", or "20, some-model=90". */
    final String typicalTaskSeconds;
    final Request submit;
    final JsonNode submitBody;
    final String extraFields;
    final JsonPath taskId;
    final JsonPath pollUrl;
    final Request poll;
    final JsonPath status;
    final Map<String, TaskStatus> words;
    /** Words that mean the provider does not know the task (yet: it may say so right after the submit). */
    final Set<String> notFound;
    final JsonPath failedWhen;
    final JsonPath progress;
    final double progressMax;
    final JsonPath duration;
    final double durationToMillis;
    final List<JsonPath> outputs;
    final JsonPath mediaTypes;
    final String mediaType;
    final String kind;
    final Request result;
    final List<JsonPath> error;
    final String retryAfterHeader;
    final String resetHeader;
    final Request cancel;
    /** Where the submit names the webhook's address (query parameters, body fields); null when it has no webhooks. */
    final Map<String, String> webhookQuery;
    final JsonNode webhookBody;
    /** Where a webhook names its task, to check it is this job's; null when not checked. */
    final JsonPath webhookTaskId;
    /** The signature the provider documents: {@code standard-webhooks} (Replicate), or null. */
    final String webhookSignature;
    /** Where an answer (the submit's or the last) says what the task cost, in {@code costUnit}; or null. */
    final JsonPath costPath;
    final String costUnit;
    /** A price per output the profile sets where the provider's answers say nothing; or null. */
    final Double costPerImage;
    /** Whether one task makes all of a job's images: its submit body names {@code {count}}. */
    final boolean countInOneTask;
    /** Whether a request names the model: a job must then have one. */
    boolean namesModel;

    private final ProfileYaml yaml;

    private ProviderProfile(String id, ProfileYaml yaml, Function<String, String> environment) {
        this.id = id;
        this.file = yaml.file;
        this.yaml = yaml;
        JsonNode root = yaml.root;
        keys(root, "", TOP);
        this.name = text(root, "name", id);
        String kindOfApi = text(root, "kind", "async");
        if (!kindOfApi.equals("async") && !kindOfApi.equals("sync")) {
            throw problem("kind", "kind '" + kindOfApi + "' is not known",
                    "write async (a task to poll, the default) or sync (the submit's answer is the result)");
        }
        this.sync = kindOfApi.equals("sync");
        this.baseUrl = required(root, "base-url", "write the provider's API address, e.g. base-url: https://api.example.com");
        JsonNode auth = root.path("auth");
        keys(auth, "auth", AUTH);
        this.keyEnv = text(auth, "auth.key-env", null);
        this.authHeaders = stringMap(auth.path("headers"), "auth.headers");
        this.model = text(root, "model", null);
        this.models = models(root.path("models"));
        this.maxConcurrent = integer(root, "max-concurrent");
        this.requestsPerMinute = integer(root, "requests-per-minute");
        this.typicalTaskSeconds = text(root, "typical-task-seconds", "");
        try {
            TypicalTaskDurations.parse("typical-task-seconds", typicalTaskSeconds);
        } catch (IllegalArgumentException e) {
            throw problem("typical-task-seconds", e.getMessage(), "write typical-task-seconds: 20, or \"20, some-model=90\"");
        }

        JsonNode submitNode = section(root, "submit", SUBMIT, "describe the paid request: submit: {path: ..., body: {...}, task-id: $.id}");
        this.submit = request(submitNode, "submit", "POST");
        this.submitBody = submitNode.has("body") ? submitNode.get("body") : JsonNodeFactory.instance.objectNode();
        this.extraFields = text(submitNode, "submit.extra-fields", "");
        this.taskId = path(submitNode, "submit.task-id", !sync);
        this.pollUrl = path(submitNode, "submit.poll-url", false);

        if (sync && (root.has("poll") || root.has("status") || root.has("result"))) {
            String extra = root.has("poll") ? "poll" : root.has("status") ? "status" : "result";
            throw problem(extra, "a sync provider's submit answers with the result: it has no " + extra,
                    "take the " + extra + " section out, or write kind: async");
        }
        this.poll = sync ? null : request(section(root, "poll", REQUEST,
                "say where a task's status is asked: poll: {path: /tasks/{task_id}}"), "poll", "GET");
        JsonNode statusNode = sync ? JsonNodeFactory.instance.objectNode()
                : section(root, "status", STATUS, "say where the status word is: status: {path: $.status, succeeded: [done], failed: [error]}");
        this.status = sync ? null : path(statusNode, "status.path", true);
        this.words = sync ? Map.of() : words(statusNode);
        this.notFound = new java.util.HashSet<>();
        for (JsonNode word : statusNode.path("not-found").isArray() ? statusNode.path("not-found")
                : JsonNodeFactory.instance.arrayNode().add(statusNode.path("not-found"))) {
            if (word.isValueNode() && !word.isNull()) {
                notFound.add(word.asText().toLowerCase(Locale.ROOT));
            }
        }
        this.failedWhen = path(statusNode, "status.failed-when", false);

        JsonNode progressNode = pathSection(root, "progress", PROGRESS);
        this.progress = path(progressNode, "progress.path", false);
        this.progressMax = number(progressNode, "progress.max", 1);
        JsonNode durationNode = pathSection(root, "duration", DURATION);
        this.duration = path(durationNode, "duration.path", false);
        String unit = text(durationNode, "duration.unit", "seconds");
        if (!unit.equals("seconds") && !unit.equals("milliseconds")) {
            throw problem("duration.unit", "unit '" + unit + "' is not known", "write seconds or milliseconds");
        }
        this.durationToMillis = unit.equals("seconds") ? 1000 : 1;

        JsonNode outputsNode = pathSection(root, "outputs", OUTPUTS);
        if (outputsNode.isMissingNode()) {
            throw problem("outputs", "the profile does not say where the outputs are",
                    "add outputs: {path: $.output[*]} (the JSONPath of the result URLs)");
        }
        this.outputs = paths(outputsNode.path("path"), "outputs.path");
        if (outputs.isEmpty()) {
            throw problem("outputs.path", "the profile does not say where the outputs are",
                    "write the JSONPath of the result URLs (or of objects with a url), e.g. path: $.output[*]");
        }
        String mediaType = text(outputsNode, "outputs.media-type", null);
        // a JSONPath, or the one type every output has (image/png for an OpenAI-form answer's b64_json)
        this.mediaTypes = mediaType == null || !mediaType.startsWith("$") ? null : compile(mediaType, "outputs.media-type");
        this.mediaType = mediaType != null && !mediaType.startsWith("$") ? mediaType : null;
        this.kind = kind(text(outputsNode, "outputs.kind", "image"), "outputs.kind");

        this.result = root.has("result") ? request(pathOrRequest(root, "result"), "result", "GET") : null;
        this.error = paths(root.path("error"), "error");
        JsonNode rateLimit = root.path("rate-limit");
        keys(rateLimit, "rate-limit", RATE_LIMIT);
        this.retryAfterHeader = text(rateLimit, "rate-limit.retry-after", "Retry-After");
        this.resetHeader = text(rateLimit, "rate-limit.reset", "X-RateLimit-Reset");
        this.cancel = root.has("cancel") ? request(section(root, "cancel", REQUEST, ""), "cancel", "POST") : null;
        JsonNode costNode = root.path("cost");
        keys(costNode, "cost", COST);
        this.costPath = path(costNode, "cost.path", false);
        this.costPerImage = costNode.has("per-image") ? number(costNode, "cost.per-image", 0) : null;
        this.costUnit = text(costNode, "cost.unit", null);
        if (costNode.isObject() && (costUnit == null || costUnit.isBlank())) {
            throw problem("cost", "the profile does not say what unit its cost is in",
                    "add unit: credits (or USD, seconds: the unit the provider counts in) under cost");
        }
        JsonNode webhook = root.path("webhook");
        keys(webhook, "webhook", WEBHOOK);
        boolean webhooks = webhook.isObject();
        this.webhookQuery = webhooks ? stringMap(webhook.path("query"), "webhook.query") : null;
        this.webhookBody = webhooks && webhook.has("body") ? webhook.get("body") : null;
        this.webhookTaskId = webhooks ? path(webhook, "webhook.task-id", false) : null;
        this.webhookSignature = webhooks ? text(webhook, "webhook.signature", null) : null;
        if (webhookSignature != null && !webhookSignature.equals("standard-webhooks")) {
            throw problem("webhook.signature", "signature '" + webhookSignature + "' is not one promptrelay checks",
                    "write standard-webhooks (Replicate's form), or leave it out: the address's token is checked anyway");
        }
        if (webhooks && (webhookQuery == null || webhookQuery.isEmpty()) && webhookBody == null) {
            throw problem("webhook", "the profile does not say where the submit names the webhook's address",
                    "add query: {name: \"{webhook_url}\"} or body: {field: \"{webhook_url}\"} under webhook");
        }

        boolean[] count = {false};
        ProfileTemplate.namesIn(submitBody, "submit.body", (where, n) -> count[0] |= n.equals("count"));
        this.countInOneTask = count[0];
        checkTemplates(environment);
    }

    /**
     * The profile in this text, checked whole.
     *
     * @param environment the environment variables (a template's {@code {env:NAME}} must name one that is set)
     */
    public static ProviderProfile read(String id, String file, String text, Function<String, String> environment) {
        if (!id.matches("[a-z0-9][a-z0-9-]{0,40}")) {
            throw new ProviderProfileException(file, null, null, "'" + id + "' cannot be a provider id (it names the "
                                                                 + "settings promptrelay." + id + ".*)",
                    "name the file with lower-case letters, digits and dashes, e.g. acme-images.yaml");
        }
        return new ProviderProfile(id, ProfileYaml.parse(file, text), environment);
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String file() {
        return file;
    }

    /** The environment variable the key is read from, when the settings do not give one; null when none is named. */
    public String keyEnv() {
        return keyEnv;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public String model() {
        return model;
    }

    public Map<String, ModelCaps> models() {
        return models;
    }

    public Integer maxConcurrent() {
        return maxConcurrent;
    }

    public Integer requestsPerMinute() {
        return requestsPerMinute;
    }

    /** What its documentation says its tasks take ({@code typical-task-seconds}); empty when it says nothing. */
    public String typicalTaskSeconds() {
        return typicalTaskSeconds;
    }

    /** Whether the provider can be asked to send a webhook when a task ends. */
    public boolean sendsWebhooks() {
        return webhookQuery != null;
    }

    /** Whether the provider can be asked to stop a task. */
    public boolean cancels() {
        return cancel != null;
    }

    /** The value at this JSONPath of the answer: null when absent or JSON null; a list's items as an array. */
    static JsonNode read(JsonPath path, JsonNode answer) {
        if (path == null) {
            return null;
        }
        Object value = path.read(answer, PATHS);
        JsonNode node = value instanceof JsonNode n ? n : value == null ? null : ProviderJson.JSON.valueToTree(value);
        return node == null || node.isNull() || node.isMissingNode() ? null : node;
    }

    /** The value's text, when it is one non-blank string or number (the first of a list); else null. */
    static String readText(JsonPath path, JsonNode answer) {
        JsonNode node = read(path, answer);
        if (node != null && node.isArray()) {
            node = node.isEmpty() ? null : node.get(0);
        }
        return node != null && node.isValueNode() && !node.asText().isBlank() ? node.asText() : null;
    }

    // --- reading the YAML, each mistake at its line ---

    private ProviderProfileException problem(String key, String what, String fix) {
        return new ProviderProfileException(file, yaml.line(key), key, what, fix);
    }

    private void keys(JsonNode node, String path, Set<String> known) {
        if (node.isMissingNode() || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw problem(path, "'" + path + "' must be a mapping of keys", "write " + path + ": followed by indented key: value lines");
        }
        node.fieldNames().forEachRemaining(key -> {
            if (!known.contains(key)) {
                String at = path.isEmpty() ? key : path + "." + key;
                throw problem(at, "'" + key + "' is not a key a profile knows here",
                        "use one of " + String.join(", ", new java.util.TreeSet<>(known)));
            }
        });
    }

    private JsonNode section(JsonNode root, String key, Set<String> known, String fix) {
        JsonNode node = root.path(key);
        if (node.isMissingNode() || node.isNull()) {
            throw problem(key, "the profile has no " + key + " section", fix);
        }
        keys(node, key, known);
        return node;
    }

    /** A section that may also be written as its path alone ({@code progress: $.progress}). */
    private JsonNode pathSection(JsonNode root, String key, Set<String> known) {
        JsonNode node = root.path(key);
        if (node.isTextual()) {
            return JsonNodeFactory.instance.objectNode().put("path", node.asText());
        }
        keys(node, key, known);
        return node;
    }

    private JsonNode pathOrRequest(JsonNode root, String key) {
        JsonNode node = root.path(key);
        if (node.isTextual()) {
            return JsonNodeFactory.instance.objectNode().put("path", node.asText());
        }
        keys(node, key, REQUEST);
        return node;
    }

    private Request request(JsonNode node, String key, String defaultMethod) {
        String method = text(node, key + ".method", defaultMethod).toUpperCase(Locale.ROOT);
        if (!List.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(method)) {
            throw problem(key + ".method", "method '" + method + "' is not an HTTP method promptrelay sends",
                    "write GET, POST, PUT, DELETE or PATCH");
        }
        String path = text(node, key + ".path", null);
        String url = text(node, key + ".url", null);
        if ((path == null) == (url == null)) {
            throw problem(key, key + " needs exactly one of path (after base-url) and url (a whole address)",
                    "write " + key + ": {path: /...} or " + key + ": {url: https://...}");
        }
        if (path != null && !path.startsWith("/")) {
            throw problem(key + ".path", "the path '" + path + "' does not start with /", "write it like /v1/tasks/{task_id}");
        }
        if (url != null && !url.startsWith("http://") && !url.startsWith("https://") && !url.startsWith("{")) {
            throw problem(key + ".url", "the url '" + url + "' is not an http(s) address", "write it like https://...");
        }
        return new Request(method, path != null ? path : url, url != null, stringMap(node.path("headers"), key + ".headers"));
    }

    private String text(JsonNode node, String key, String fallback) {
        JsonNode value = node.path(key.substring(key.lastIndexOf('.') + 1));
        if (value.isMissingNode() || value.isNull()) {
            return fallback;
        }
        if (!value.isValueNode()) {
            throw problem(key, "'" + key + "' must be a single value", "write " + key + ": <value>");
        }
        return value.asText().strip();
    }

    private String required(JsonNode node, String key, String fix) {
        String value = text(node, key, null);
        if (value == null || value.isBlank()) {
            throw problem(key, "the profile has no " + key, fix);
        }
        return value;
    }

    private Integer integer(JsonNode node, String key) {
        JsonNode value = node.path(key.substring(key.lastIndexOf('.') + 1));
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 0) {
            throw problem(key, "'" + key + "' is '" + value.asText() + "', not a whole number", "write a number like 4");
        }
        return value.asInt();
    }

    private double number(JsonNode node, String key, double fallback) {
        JsonNode value = node.path(key.substring(key.lastIndexOf('.') + 1));
        if (value.isMissingNode() || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber() || value.asDouble() <= 0) {
            throw problem(key, "'" + key + "' is '" + value.asText() + "', not a positive number", "write a number like 100");
        }
        return value.asDouble();
    }

    private JsonPath path(JsonNode node, String key, boolean required) {
        String text = text(node, key, null);
        if (text == null) {
            if (required) {
                throw problem(key, "the profile has no " + key, "write the JSONPath of that value in the answer, e.g. $.id");
            }
            return null;
        }
        return compile(text, key);
    }

    private JsonPath compile(String text, String key) {
        if (!text.startsWith("$")) {
            throw problem(key, "'" + text + "' is not a JSONPath", "write it from the answer's root, like $.data.status");
        }
        // Jayway takes an unclosed bracket ($.state[) and then never finds anything: say so here
        if (text.chars().filter(c -> c == '[').count() != text.chars().filter(c -> c == ']').count()
            || text.chars().filter(c -> c == '(').count() != text.chars().filter(c -> c == ')').count()) {
            throw problem(key, "'" + text + "' is not a valid JSONPath (its brackets do not pair up)",
                    "write it like $.output[*] or $.data.images[0].url");
        }
        try {
            return JsonPath.compile(text);
        } catch (InvalidPathException e) {
            throw problem(key, "'" + text + "' is not a valid JSONPath (" + e.getMessage() + ")",
                    "write it like $.output[*] or $.data.images[0].url");
        }
    }

    private List<JsonPath> paths(JsonNode node, String key) {
        List<JsonPath> list = new ArrayList<>();
        if (node.isTextual()) {
            list.add(compile(node.asText(), key));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                if (!node.get(i).isTextual()) {
                    throw problem(key, "'" + key + "' lists something that is not a JSONPath", "list paths like [$.error, $.detail]");
                }
                list.add(compile(node.get(i).asText(), key));
            }
        } else if (!node.isMissingNode() && !node.isNull()) {
            throw problem(key, "'" + key + "' must be a JSONPath or a list of them", "write " + key + ": [$.error, $.detail]");
        }
        return List.copyOf(list);
    }

    private Map<String, String> stringMap(JsonNode node, String key) {
        Map<String, String> map = new LinkedHashMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return map;
        }
        if (!node.isObject()) {
            throw problem(key, "'" + key + "' must be a mapping of header names to values", "write " + key + ": {Authorization: \"Bearer {key}\"}");
        }
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isValueNode()) {
                throw problem(key + "." + e.getKey(), "a header value must be one line of text", "write " + e.getKey() + ": \"...\"");
            }
            map.put(e.getKey(), e.getValue().asText());
        });
        return map;
    }

    private Map<String, TaskStatus> words(JsonNode node) {
        Map<String, TaskStatus> words = new LinkedHashMap<>();
        Map<String, TaskStatus> lists = new LinkedHashMap<>();
        lists.put("queued", TaskStatus.SUBMITTED);
        lists.put("running", TaskStatus.RUNNING);
        lists.put("succeeded", TaskStatus.SUCCEEDED);
        lists.put("failed", TaskStatus.FAILED);
        lists.put("cancelled", TaskStatus.CANCELED);
        lists.forEach((key, meaning) -> {
            JsonNode list = node.path(key);
            if (list.isValueNode() && !list.isNull()) {
                words.put(list.asText().toLowerCase(Locale.ROOT), meaning);
            } else if (list.isArray()) {
                list.forEach(word -> {
                    TaskStatus before = words.put(word.asText().toLowerCase(Locale.ROOT), meaning);
                    if (before != null && before != meaning) {
                        throw problem("status." + key, "the word '" + word.asText() + "' is listed twice, with two meanings",
                                "keep it under one of queued, running, succeeded, failed, cancelled");
                    }
                });
            }
        });
        if (!words.containsValue(TaskStatus.SUCCEEDED)) {
            throw problem("status", "the profile does not say which status word means the task succeeded",
                    "add succeeded: [<the provider's word>] under status");
        }
        return Map.copyOf(words);
    }

    private Map<String, ModelCaps> models(JsonNode node) {
        Map<String, ModelCaps> models = new LinkedHashMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return models;
        }
        if (node.isArray()) {
            node.forEach(m -> models.put(m.asText(), new ModelCaps(null, null, null, null, null)));
            return models;
        }
        if (!node.isObject()) {
            throw problem("models", "'models' must list the models, or map each to what it allows",
                    "write models: {vendor/model: {max-count: 4}}");
        }
        node.fields().forEachRemaining(e -> {
            String key = "models." + e.getKey();
            JsonNode caps = e.getValue();
            if (caps.isNull() || caps.isMissingNode()) {
                models.put(e.getKey(), new ModelCaps(null, null, null, null, null));
                return;
            }
            keys(caps, key, MODEL);
            String modelKind = caps.has("kind") ? kind(caps.get("kind").asText(), key + ".kind") : null;
            models.put(e.getKey(), new ModelCaps(integer(caps, key + ".max-count"), integer(caps, key + ".max-width"),
                    integer(caps, key + ".max-height"), modelKind,
                    caps.has("cost-per-image") ? number(caps, key + ".cost-per-image", 0) : null));
        });
        return models;
    }

    private String kind(String value, String key) {
        if (!value.equals("image") && !value.equals("video")) {
            throw problem(key, "kind '" + value + "' is not known", "write image or video");
        }
        return value;
    }

    /** Every {name} in every template is one promptrelay fills, and every {env:NAME} is set. */
    private void checkTemplates(Function<String, String> environment) {
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("base-url", baseUrl);
        authHeaders.forEach((k, v) -> texts.put("auth.headers." + k, v));
        for (Map.Entry<String, Request> r : requests().entrySet()) {
            texts.put(r.getKey() + (r.getValue().wholeUrl() ? ".url" : ".path"), r.getValue().address());
            r.getValue().headers().forEach((k, v) -> texts.put(r.getKey() + ".headers." + k, v));
        }
        if (webhookQuery != null) {
            webhookQuery.forEach((k, v) -> texts.put("webhook.query." + k, v));
        }
        texts.forEach((key, text) -> ProfileTemplate.names(text).forEach(n -> checkName(key, n, environment)));
        ProfileTemplate.namesIn(submitBody, "submit.body", (key, n) -> checkName(key, n, environment));
        if (webhookBody != null) {
            ProfileTemplate.namesIn(webhookBody, "webhook.body", (key, n) -> checkName(key, n, environment));
        }
    }

    private Map<String, Request> requests() {
        Map<String, Request> requests = new LinkedHashMap<>();
        requests.put("submit", submit);
        if (poll != null) {
            requests.put("poll", poll);
        }
        if (result != null) {
            requests.put("result", result);
        }
        if (cancel != null) {
            requests.put("cancel", cancel);
        }
        return requests;
    }

    private void checkName(String key, String name, Function<String, String> environment) {
        if (name.startsWith("env:")) {
            String variable = name.substring(4);
            if (environment.apply(variable) == null) {
                throw problem(key, "the environment variable " + variable + " is not set",
                        "set " + variable + " before starting promptrelay, or take {env:" + variable + "} out of the profile");
            }
            return;
        }
        if (name.startsWith("setting:")) {
            return;
        }
        namesModel |= name.equals("model") || name.equals("model_app");
        if (!ProfileTemplate.FIELDS.contains(name)) {
            throw problem(key, "{" + name + "} is not a value promptrelay fills in",
                    "use one of {" + String.join("}, {", ProfileTemplate.FIELDS) + "}, {env:NAME} or {setting:name}");
        }
        if (name.equals("task_id") && (key.startsWith("submit") || key.startsWith("webhook"))) {
            throw problem(key, "{task_id} is not known before the submit's answer", "take it out of the submit");
        }
    }
}
