package dev.promptrelay;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gallery of a server that asks for a token, in a real browser: the page asks for it, keeps it for the tab only
 * (sessionStorage, never a cookie or a URL), and with it lists requests 50 at a time, older ones on demand.
 */
class GalleryTokenIT extends RunningApplication {

    static final String TOKEN = "gallery-token-for-tests";
    static final int REQUESTS = 57;
    static TestFolders folders;
    static int port;
    static WebDriver browser;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("gallery-token");
        port = TestFolders.freePort();
        folders.set("camel.server.enabled", "true");
        folders.set("camel.server.port", String.valueOf(port));
        folders.set("promptrelay.api.token", TOKEN);
        // all at once; the tasks run until the test lets them end (the sandbox's never_end fault), however slow the machine
        folders.set("promptrelay.sandbox.task-millis", "500");
        folders.set("promptrelay.modelscope.max-concurrent", "64");
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void asksForTheTokenKeepsItForTheTabAndPagesThroughOlderRequests() throws Exception {
        GalleryIT.sandboxFaults(folders, "{\"never_end_every\": 1}");
        HttpClient http = HttpClient.newHttpClient();
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 1; i <= REQUESTS; i++) {
            HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/jobs"))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"lantern " + i + "\", \"size\": \"64x64\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(posted.body());
            assertThat(id.find()).as(posted.body()).isTrue();
            ids.add(0, id.group(1));
        }
        browser = Chromium.start(folders.root);
        browser.get("http://127.0.0.1:" + port + "/");
        // the page is served, the list is not: it asks for the token
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("token-form")).isDisplayed());
        assertThat(browser.findElements(By.cssSelector("article.request"))).isEmpty();
        browser.findElement(By.id("token")).sendKeys("not the token");
        browser.findElement(By.cssSelector("#token-form button")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("token-form")).isDisplayed());
        assertThat(browser.findElements(By.cssSelector("article.request"))).isEmpty();
        browser.findElement(By.id("token")).clear();
        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.cssSelector("#token-form button")).click();

        await().atMost(Duration.ofSeconds(30)).until(() -> browser.findElements(By.cssSelector("article.request")).size() == 50);
        assertThat(browser.findElement(By.id("token-form")).isDisplayed()).isFalse();
        JavascriptExecutor js = (JavascriptExecutor) browser;
        assertThat(js.executeScript("return sessionStorage.getItem('promptrelay.token')")).isEqualTo(TOKEN);
        assertThat(js.executeScript("return localStorage.length + document.cookie.length")).isEqualTo(0L);
        assertThat(browser.getCurrentUrl()).doesNotContain(TOKEN);

        // newest first; the older seven come with the button, each once
        assertThat(shownIds()).isEqualTo(ids.subList(0, 50));
        browser.findElement(By.id("more")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(By.cssSelector("article.request")).size() == REQUESTS);
        assertThat(shownIds()).isEqualTo(ids);
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElement(By.id("more")).isDisplayed());
        assertThat(browser.findElements(By.cssSelector("article.request[data-state='running']")))
                .as("older requests still running when their page is opened").isNotEmpty();
        GalleryIT.sandboxFaults(folders, "{\"never_end_every\": 0}");
        // every request ends, and the oldest page's cards show it too, without a reload
        await().atMost(Duration.ofSeconds(60)).until(() -> browser.findElements(
                By.cssSelector("article.request[data-state='succeeded']")).size() == REQUESTS);
        GalleryIT.screenshot(browser, "gallery-token-older");

        // the same tab after a reload does not ask again
        browser.navigate().refresh();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(By.cssSelector("article.request")).size() == 50);
        assertThat(browser.findElement(By.id("token-form")).isDisplayed()).isFalse();
    }

    /** The requests as the page shows them, top to bottom. */
    @SuppressWarnings("unchecked")
    private static java.util.List<String> shownIds() {
        return (java.util.List<String>) ((JavascriptExecutor) browser).executeScript(
                "return [...document.querySelectorAll('article.request')].map(n => n.dataset.id)");
    }
}
