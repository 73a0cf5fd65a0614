package dev.promptrelay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Another web page must not run paid jobs through the API of a promptrelay on this machine. In Debian's chromium, a
 * page on another loopback port, on {@code localhost} and a {@code file://} page each try what a browser lets any page
 * send to another origin without asking first: a POST with a text/plain body that holds JSON (fetch in no-cors mode,
 * and a form), and a retry. None of it is journaled or submitted; the gallery's own calls still work. The same checks
 * from a plain client: only {@code application/json} is a job, a foreign {@code Origin} or a cross-site fetch is
 * refused on every call that changes something, token or not.
 */
class ApiOriginIT extends RunningApplication {

    static TestFolders folders;
    static int port;
    static HttpServer elsewhere;
    static WebDriver browser;
    /** The request a hostile page tries to run again. */
    static volatile String retryId = "none";
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("api-origin");
        port = TestFolders.freePort();
        folders.set("camel.server.enabled", "true");
        folders.set("camel.server.port", String.valueOf(port));
        folders.set("promptrelay.sandbox.task-millis", "200");
        elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        elsewhere.createContext("/", exchange -> {
            byte[] page = attackPage().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        elsewhere.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (elsewhere != null) {
            elsewhere.stop(0);
        }
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    /**
     * What a hostile page sends: each request in the form a browser lets through without a preflight. The title says
     * when every one has been sent (their answers are opaque to the page, as they would be to an attacker).
     */
    static String attackPage() {
        String api = "http://127.0.0.1:" + port + "/api/jobs";
        return """
                <!doctype html><html><head><title>working</title></head><body>
                <iframe name="sink" style="display:none"></iframe>
                <form id="f" method="post" enctype="text/plain" target="sink" action="%1$s">
                  <input name='{"prompt": "a form paid by someone else", "extra": {"x": "' value='"}}'>
                </form>
                <script>
                const api = '%1$s';
                const tries = [
                  fetch(api, {method: 'POST', mode: 'no-cors', headers: {'Content-Type': 'text/plain;charset=json'},
                              body: '{"prompt": "a text/plain job paid by someone else"}'}),
                  fetch(api, {method: 'POST', mode: 'no-cors', headers: {'Content-Type': 'text/plain'},
                              body: '{"prompt": "a plain job paid by someone else"}'}),
                  fetch(api + '/%2$s/retry?include-unknown=true&pay-again=true', {method: 'POST', mode: 'no-cors'}),
                  fetch(api, {method: 'POST', headers: {'Content-Type': 'application/json'},
                              body: '{"prompt": "a json job paid by someone else"}'}),
                ];
                document.getElementById('f').submit();
                Promise.allSettled(tries).then(() => setTimeout(() => document.title = 'sent', 500));
                </script></body></html>
                """.formatted(api, retryId);
    }

    @Test
    void anotherPageRunsNothingAndTheGalleryStillDoes() throws Exception {
        // a request that failed, which a hostile page would like to run again (and pay for)
        String failedId = post("{\"prompt\": \"a refused fox [sandbox:refuse]\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> state(failedId).equals("failed"));
        retryId = failedId;
        // what other tests of this class sent has ended: from here on every submit is this test's
        await().atMost(Duration.ofSeconds(60)).until(() -> listed().stream()
                .allMatch(r -> r.path("state").asText().matches("succeeded|failed|cancelled|rejected")));
        long submitsBefore = folders.stats().get("submits");
        int listedBefore = listed().size();

        Path localPage = Files.writeString(folders.root.resolve("attack.html"), attackPage());
        String servedPage = "/attack.html";
        browser = Chromium.start(folders.root);
        int elsewherePort = elsewhere.getAddress().getPort();
        for (String page : List.of("http://127.0.0.1:" + elsewherePort + servedPage,
                "http://localhost:" + elsewherePort + servedPage, localPage.toUri().toString())) {
            browser.get(page);
            await().atMost(Duration.ofSeconds(20)).until(() -> "sent".equals(browser.getTitle()));
        }
        assertThat(listed()).as("nothing another page sent was journaled").hasSize(listedBefore);
        assertThat(state(failedId)).as("the failed request was not run again").isEqualTo("failed");
        assertThat(folders.stats().get("submits") - submitsBefore).as("paid submits").isZero();

        // the gallery's own calls: a prompt sent from its form runs, and its retry button works
        browser.get("http://127.0.0.1:" + port + "/");
        browser.findElement(By.cssSelector("#send summary")).click();
        browser.findElement(By.id("send-prompt")).sendKeys("a lantern sent from the gallery");
        browser.findElement(By.cssSelector("#send-form button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(30)).until(() -> listed().stream()
                .anyMatch(r -> r.path("state").asText().equals("succeeded")));
        assertThat(folders.stats().get("submits") - submitsBefore).isEqualTo(1);
    }

    @Test
    void onlyApplicationJsonIsAJob() throws Exception {
        for (String type : List.of("text/plain;charset=json", "text/json", "application/jsonp",
                "application/x-www-form-urlencoded", "multipart/form-data; boundary=json")) {
            HttpResponse<String> answer = send("POST", "/api/jobs", "{\"prompt\": \"a fox\"}", Map.of("Content-Type", type));
            assertThat(answer.statusCode()).as(type).isEqualTo(415);
            assertThat(json(answer).path("what_to_do").asText()).contains("application/json");
        }
        for (String type : List.of("application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8")) {
            HttpResponse<String> answer = send("POST", "/api/jobs", "{\"prompt\": \"a fox\"}", Map.of("Content-Type", type));
            assertThat(answer.statusCode()).as(type + ": " + answer.body()).isEqualTo(202);
        }
    }

    @Test
    void aForeignOriginChangesNothing() throws Exception {
        String id = post("{\"prompt\": \"a quiet fox\"}");
        Map<String, String> json = Map.of("Content-Type", "application/json");
        for (Map<String, String> foreign : List.of(Map.of("Origin", "http://evil.example"),
                Map.of("Origin", "null"), Map.of("Origin", "http://127.0.0.1:" + (port + 1)),
                Map.of("Origin", "http://localhost:" + port + ".evil.example"),
                Map.of("Sec-Fetch-Site", "cross-site"), Map.of("Sec-Fetch-Site", "same-site"))) {
            for (String[] call : List.of(new String[] {"POST", "/api/jobs"}, new String[] {"DELETE", "/api/jobs/" + id},
                    new String[] {"POST", "/api/jobs/" + id + "/retry"})) {
                Map<String, String> headers = new java.util.HashMap<>(json);
                headers.putAll(foreign);
                HttpResponse<String> answer = send(call[0], call[1], "{\"prompt\": \"a fox\"}", headers);
                assertThat(answer.statusCode()).as(call[0] + " " + call[1] + " with " + foreign).isEqualTo(403);
                assertThat(json(answer).path("error").asText()).as(foreign.toString()).containsAnyOf("Origin", "Sec-Fetch-Site");
            }
        }
        // reading is not changing: a status may be asked for from anywhere this server answers
        assertThat(send("GET", "/api/jobs/" + id, null, Map.of("Origin", "http://evil.example")).statusCode()).isEqualTo(200);
        // its own origin, by either name, is this server
        for (String own : List.of("http://127.0.0.1:" + port, "http://localhost:" + port)) {
            String host = URI.create(own).getAuthority();
            HttpResponse<String> answer = send("POST", "/api/jobs", "{\"prompt\": \"a fox at home\"}",
                    Map.of("Content-Type", "application/json", "Origin", own, "Host", host, "Sec-Fetch-Site", "same-origin"));
            assertThat(answer.statusCode()).as(own + ": " + answer.body()).isEqualTo(202);
        }
    }

    private String post(String job) throws Exception {
        HttpResponse<String> posted = send("POST", "/api/jobs", job, Map.of("Content-Type", "application/json"));
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        return json(posted).path("id").asText();
    }

    private String state(String id) throws Exception {
        return json(send("GET", "/api/jobs/" + id, null, Map.of())).path("state").asText();
    }

    private List<JsonNode> listed() throws Exception {
        List<JsonNode> all = new java.util.ArrayList<>();
        json(send("GET", "/api/jobs?limit=500", null, Map.of())).path("jobs").forEach(all::add);
        return all;
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return TestFolders.JSON.readTree(response.body());
    }

    private HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
            throws Exception {
        // the client sets Host from the address: a request that names this server as localhost goes to localhost
        String authority = headers.getOrDefault("Host", "127.0.0.1:" + port);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + authority + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach((name, value) -> {
            if (!name.equals("Host")) {
                request.header(name, value);
            }
        });
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
