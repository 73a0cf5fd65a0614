package dev.promptrelay;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * /api/openapi.json, made by Camel from the REST definitions, checked against the real answers: every documented
 * operation is called, each answer's status is one the document lists for it, and each JSON answer holds only
 * fields its schema declares, with the declared types.
 */
class OpenApiIT extends RunningApplication {

    static TestFolders folders;
    static int port;
    static JsonNode doc;
    static final Set<String> called = new LinkedHashSet<>();

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("openapi");
        port = TestFolders.freePort();
        folders.set("camel.server.enabled", "true");
        folders.set("camel.server.port", String.valueOf(port));
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void theDocumentDescribesWhatTheApiAnswers() throws Exception {
        HttpResponse<String> served = send("GET", "/api/openapi.json", null, "application/json");
        assertThat(served.statusCode()).isEqualTo(200);
        doc = TestFolders.JSON.readTree(served.body());
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        assertThat(doc.path("info").path("title").asText()).isEqualTo("promptrelay HTTP API");
        assertThat(doc.path("servers").get(0).path("url").asText()).isEqualTo("http://127.0.0.1:" + port);
        doc.path("paths").fieldNames().forEachRemaining(path -> assertThat(path).as("only the API").startsWith("/api/"));
        assertThat(doc.at("/paths/~1api~1jobs/post/requestBody/content/application~1json/schema/$ref").asText())
                .endsWith("/PostedJob");
        assertThat(doc.at("/components/schemas/PostedJob/properties").has("negative_prompt")).isTrue();

        String id = call("POST", "/api/jobs", "/api/jobs", "{\"prompt\": \"a documented fox\"}", 202).path("id").asText();
        call("POST", "/api/jobs", "/api/jobs", "{\"prompt\": \"a fox\",\n \"seed\": \"soon\"}", 400);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "succeeded".equals(TestFolders.JSON.readTree(send("GET", "/api/jobs/" + id, null, "application/json").body())
                        .path("state").asText()));
        JsonNode report = call("GET", "/api/jobs/" + id, "/api/jobs/{id}", null, 200);
        assertThat(report.path("jobs").get(0).path("seed").isIntegralNumber()).isTrue();
        call("GET", "/api/jobs/no-such-request", "/api/jobs/{id}", null, 404);
        JsonNode list = call("GET", "/api/jobs?limit=1", "/api/jobs", null, 200);
        assertThat(list.path("next_before").asText()).as("a further page").isNotEmpty();
        call("GET", "/api/jobs?state=nope", "/api/jobs", null, 400);
        call("GET", "/api/jobs/" + id + "/outputs/1", "/api/jobs/{id}/outputs/{n}", null, 200);
        call("GET", "/api/jobs/" + id + "/outputs/9", "/api/jobs/{id}/outputs/{n}", null, 404);
        call("GET", "/api/jobs/" + id + "/outputs/1/thumbnail", "/api/jobs/{id}/outputs/{n}/thumbnail", null, 200);
        call("GET", "/api/jobs/" + id + "/outputs/9/thumbnail", "/api/jobs/{id}/outputs/{n}/thumbnail", null, 404);
        call("GET", "/api/jobs/" + id + "/outputs/1/sidecar", "/api/jobs/{id}/outputs/{n}/sidecar", null, 200);
        call("GET", "/api/jobs/" + id + "/outputs/9/sidecar", "/api/jobs/{id}/outputs/{n}/sidecar", null, 404);
        call("POST", "/api/jobs/" + id + "/retry", "/api/jobs/{id}/retry", null, 409);
        call("POST", "/api/jobs/no-such-request/retry", "/api/jobs/{id}/retry", null, 404);
        call("DELETE", "/api/jobs/" + id, "/api/jobs/{id}", null, 200);
        call("DELETE", "/api/jobs/no-such-request", "/api/jobs/{id}", null, 404);
        call("GET", "/api/providers", "/api/providers", null, 200);
        // webhooks are off here (promptrelay.webhook.base-url empty): no address is one promptrelay gave out
        call("POST", "/api/webhooks/replicate/" + id + "/0123456789abcdef", "/api/webhooks/{provider}/{job}/{token}",
                "{\"id\": \"p1\", \"status\": \"succeeded\"}", 404);

        // a cancelled job, retried: the 202 of a retry
        GalleryIT.sandboxFaults(folders, "{\"never_end_every\": 1}");
        String held = call("POST", "/api/jobs", "/api/jobs", "{\"prompt\": \"a held fox\"}", 202).path("id").asText();
        // submitted (it has its task id), so the cancel stops its polling and the retry pays again
        await().atMost(Duration.ofSeconds(30)).until(() -> TestFolders.JSON.readTree(send("GET", "/api/jobs/" + held,
                null, "application/json").body()).path("jobs").path(0).path("task_id").isTextual());
        assertThat(call("DELETE", "/api/jobs/" + held, "/api/jobs/{id}", null, 200).path("state").asText())
                .isEqualTo("cancelled");
        GalleryIT.sandboxFaults(folders, "{\"never_end_every\": 0}");
        call("POST", "/api/jobs/" + held + "/retry?pay-again=true", "/api/jobs/{id}/retry", null, 202);

        Set<String> documented = new LinkedHashSet<>();
        doc.path("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
                .forEachRemaining(verb -> documented.add(verb.toUpperCase() + " " + p.getKey())));
        assertThat(called).as("every documented operation was tried").containsAll(documented);
        assertThat(Files.exists(folders.outbox)).isTrue();
    }

    /**
     * Calls the API and checks the answer against the document: its status is listed for the operation, and a JSON
     * answer with a schema matches it.
     */
    private JsonNode call(String method, String uri, String documentedPath, String body, int expected) throws Exception {
        HttpResponse<String> answer = send(method, uri, body, "application/json");
        assertThat(answer.statusCode()).as(method + " " + uri + ": " + answer.body()).isEqualTo(expected);
        JsonNode operation = doc.path("paths").path(documentedPath).path(method.toLowerCase());
        assertThat(operation.isObject()).as(method + " " + documentedPath + " is documented").isTrue();
        called.add(method + " " + documentedPath);
        JsonNode response = operation.path("responses").path(String.valueOf(expected));
        assertThat(response.isObject()).as(method + " " + documentedPath + " documents " + expected).isTrue();
        JsonNode schema = response.path("content").path("application/json").path("schema");
        String type = answer.headers().firstValue("Content-Type").orElse("");
        if (!schema.isObject() || !type.startsWith("application/json")) {
            return null;
        }
        JsonNode json = TestFolders.JSON.readTree(answer.body());
        matches(json, schema, method + " " + uri);
        return json;
    }

    private static void matches(JsonNode value, JsonNode schema, String where) {
        if (schema.has("$ref")) {
            String name = schema.path("$ref").asText().replace("#/components/schemas/", "");
            JsonNode resolved = doc.path("components").path("schemas").path(name);
            assertThat(resolved.isObject()).as(where + ": schema " + name + " is in the document").isTrue();
            matches(value, resolved, where);
            return;
        }
        if (value.isNull() || schema.has("x-className")) {
            return;
        }
        switch (schema.path("type").asText("object")) {
            case "object" -> {
                assertThat(value.isObject()).as(where + " is an object: " + value).isTrue();
                JsonNode properties = schema.path("properties");
                for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    if (properties.has(field.getKey())) {
                        matches(field.getValue(), properties.get(field.getKey()), where + "." + field.getKey());
                    } else {
                        assertThat(schema.has("additionalProperties")).as(where + "." + field.getKey()
                                + " is declared in the document").isTrue();
                        matches(field.getValue(), schema.get("additionalProperties"), where + "." + field.getKey());
                    }
                }
            }
            case "array" -> {
                assertThat(value.isArray()).as(where + " is an array: " + value).isTrue();
                value.forEach(item -> matches(item, schema.path("items"), where + "[]"));
            }
            case "string" -> assertThat(value.isTextual()).as(where + " is a string: " + value).isTrue();
            case "integer" -> assertThat(value.isIntegralNumber()).as(where + " is an integer: " + value).isTrue();
            case "number" -> assertThat(value.isNumber()).as(where + " is a number: " + value).isTrue();
            case "boolean" -> assertThat(value.isBoolean()).as(where + " is a boolean: " + value).isTrue();
            default -> throw new AssertionError(where + ": a schema type the test does not know: " + schema);
        }
    }

    private HttpResponse<String> send(String method, String uri, String body, String contentType)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + uri));
        if (body != null) {
            request.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
