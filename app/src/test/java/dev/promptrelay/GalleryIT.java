package dev.promptrelay;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gallery in a real browser (Debian's chromium, driven through chromium-driver): prompt files dropped into the
 * inbox show up with their progress and then their images without a reload; an image opens with what was asked for;
 * a hostile prompt stays text; a failed job is retried and succeeds; a queued request is cancelled. Screenshots go to
 * target/gallery/ for a person to look at.
 */
class GalleryIT extends RunningApplication {

    static final String HOSTILE = "<img src=x onerror=\"document.title='pwned'\"> a fox";
    static TestFolders folders;
    static int port;
    static WebDriver browser;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("gallery");
        port = TestFolders.freePort();
        folders.set("camel.server.enabled", "true");
        folders.set("camel.server.port", String.valueOf(port));
        folders.set("promptrelay.sandbox.task-millis", "1500");
        folders.set("promptrelay.modelscope.max-concurrent", "2");
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

    static WebDriver browser() throws IOException {
        if (browser == null) {
            browser = Chromium.start(folders.root);
        }
        return browser;
    }

    @Test
    void dropsShowUpWithProgressThenImagesAndAHostilePromptStaysText() throws Exception {
        WebDriver page = browser();
        // with no gallery open, thumbnails are made as outputs are written
        page.get("about:blank");
        long unseen = thumbnails();
        folders.drop("unseen.txt", "a heron nobody looked at\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> thumbnails() == unseen + 1);

        page.get("http://127.0.0.1:" + port + "/");
        await().atMost(Duration.ofSeconds(10)).until(() -> page.findElement(By.id("status")).getText().startsWith("updated"));

        long thumbnailsBefore = thumbnails();
        folders.drop("hostile.txt", HOSTILE + "\na kite over the sea\na lantern\n");
        // progress first, then every image, with no reload
        WebElement card = await().atMost(Duration.ofSeconds(20)).until(() -> card(page, "hostile.txt"), c -> c != null);
        await().atMost(Duration.ofSeconds(20)).until(() -> card.getAttribute("data-state").matches("queued|running"));
        await().atMost(Duration.ofSeconds(40)).until(() -> loadedImages(page, card) == 3);
        assertThat(card.getAttribute("data-state")).isEqualTo("succeeded");
        assertThat(card.findElement(By.cssSelector(".counts")).getText()).startsWith("3/3 done");
        // made when the outputs were written, as JPEGs outside the outbox
        await().atMost(Duration.ofSeconds(10)).until(() -> thumbnails() == thumbnailsBefore + 3);
        screenshot(page, "gallery");

        // the prompt is shown as it was written: nothing of it ran
        card.findElements(By.cssSelector(".thumb")).get(0).click();
        WebElement detail = page.findElement(By.id("detail"));
        await().atMost(Duration.ofSeconds(10)).until(() -> detail.getText().contains(HOSTILE));
        assertThat(detail.getText()).contains("modelscope").contains("Tongyi-MAI/Z-Image-Turbo")
                .contains("not set: the provider chose one");
        await().atMost(Duration.ofSeconds(10)).until(() -> detail.getText().matches("(?s).*Size\\s+\\d+x\\d+.*"));
        screenshot(page, "gallery-detail");
        assertThat(page.getTitle()).isEqualTo("promptrelay");
        assertThat(page.findElements(By.cssSelector("img[src='x']"))).isEmpty();
        page.findElement(By.cssSelector("#detail .close")).click();
    }

    @Test
    void aFailedJobIsRetriedAndAQueuedRequestCancelled() throws Exception {
        WebDriver page = browser();
        page.get("http://127.0.0.1:" + port + "/");
        sandboxFaults("{\"refuse_every\": 1}");
        folders.drop("refused.txt", "a refused lighthouse\n");
        WebElement refused = await().atMost(Duration.ofSeconds(20)).until(() -> card(page, "refused.txt"), c -> c != null);
        await().atMost(Duration.ofSeconds(30)).until(() -> "failed".equals(refused.getAttribute("data-state"))
                                                           && refused.getText().contains("Next step"));
        sandboxFaults("{\"refuse_every\": 0}");
        screenshot(page, "gallery-failed");
        refused.findElement(By.cssSelector("button.retry")).click();
        await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(refused.getAttribute("data-state"))
                                                           && loadedImages(page, refused) == 1);

        // two run at once: the rest of this file waits in the queue, and is cancelled from the page
        folders.drop("long.txt", String.join("\n", List.of("one", "two", "three", "four", "five", "six", "seven",
                "eight")) + "\n");
        WebElement running = await().atMost(Duration.ofSeconds(20)).until(() -> card(page, "long.txt"), c -> c != null);
        await().atMost(Duration.ofSeconds(20)).until(() -> "running".equals(running.getAttribute("data-state")));
        running.findElement(By.cssSelector("button.cancel")).click();
        await().atMost(Duration.ofSeconds(30)).until(() -> "cancelled".equals(running.getAttribute("data-state")));
        // the card lists each job's failure once the page has read the request's report, after showing its state
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(running.getText())
                .contains("cancelled before it was submitted: nothing was charged"));
        assertThat(loadedImages(page, running)).isLessThan(8);
    }

    /** The card of a request by its name, as the page shows it; null until it is there. */
    static WebElement card(WebDriver page, String name) {
        return page.findElements(By.cssSelector("article.request")).stream()
                .filter(c -> c.findElement(By.cssSelector(".name")).getText().equals(name)).findFirst().orElse(null);
    }

    static long thumbnails() throws IOException {
        Path made = folders.root.resolve("state").resolve("thumbnails");
        if (!Files.isDirectory(made)) {
            return 0;
        }
        try (var files = Files.walk(made)) {
            return files.filter(f -> f.toString().endsWith(".jpg")).count();
        }
    }

    static long loadedImages(WebDriver page, WebElement card) {
        return (Long) ((JavascriptExecutor) page).executeScript(
                "return [...arguments[0].querySelectorAll('.thumb img')].filter(i => i.complete && i.naturalWidth > 0).length",
                card);
    }

    static void screenshot(WebDriver page, String name) throws IOException {
        Files.write(Files.createDirectories(Path.of("target", "gallery")).resolve(name + ".png"), ((TakesScreenshot) page).getScreenshotAs(OutputType.BYTES));
    }

    static void sandboxFaults(String json) throws Exception {
        sandboxFaults(folders, json);
    }

    /** Switches the faults of a test's embedded sandbox over its HTTP API. */
    static void sandboxFaults(TestFolders folders, String json) throws Exception {
        sandboxFaults("http://127.0.0.1:" + folders.sandboxPort, json);
    }

    /** Switches the faults of a sandbox server at this address over its HTTP API. */
    static void sandboxFaults(String sandbox, String json) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(sandbox + "/_sandbox/faults"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }
}
