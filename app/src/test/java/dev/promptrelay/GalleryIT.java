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
        await().atMost(Duration.ofSeconds(30)).until(() -> page.findElement(By.id("status")).getText().startsWith("updated"));

        long thumbnailsBefore = thumbnails();
        folders.drop("hostile.txt", HOSTILE + "\na kite over the sea\na lantern\n");
        // progress first, then every image, with no reload
        WebElement card = await().atMost(Duration.ofSeconds(20)).until(() -> card(page, "hostile.txt"), c -> c != null);
        await().atMost(Duration.ofSeconds(20)).until(() -> card.getAttribute("data-state").matches("queued|running"));
        await().atMost(Duration.ofSeconds(40)).until(() -> loadedImages(page, card) == 3);
        assertThat(card.getAttribute("data-state")).isEqualTo("succeeded");
        assertThat(card.findElement(By.cssSelector(".counts")).getText()).startsWith("3/3 done");
        // made when the outputs were written, as JPEGs outside the outbox
        await().atMost(Duration.ofSeconds(30)).until(() -> thumbnails() == thumbnailsBefore + 3);
        screenshot(page, "gallery");

        // the prompt is shown as it was written: nothing of it ran
        click(card, ".thumb");
        WebElement detail = page.findElement(By.id("detail"));
        await().atMost(Duration.ofSeconds(30)).until(() -> detail.getText().contains(HOSTILE));
        assertThat(detail.getText()).contains("modelscope").contains("Tongyi-MAI/Z-Image-Turbo");
        assertThat(detail.getText()).as("the seed promptrelay chose").containsPattern("Seed\\s+\\d+");
        await().atMost(Duration.ofSeconds(30)).until(() -> detail.getText().matches("(?s).*Size\\s+\\d+x\\d+.*"));
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
        click(refused, "button.retry");
        await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(refused.getAttribute("data-state"))
                                                           && loadedImages(page, refused) == 1);

        // two run at once: the rest of this file waits in the queue, and is cancelled from the page
        folders.drop("long.txt", String.join("\n", List.of("one", "two", "three", "four", "five", "six", "seven",
                "eight")) + "\n");
        WebElement running = await().atMost(Duration.ofSeconds(20)).until(() -> card(page, "long.txt"), c -> c != null);
        await().atMost(Duration.ofSeconds(20)).until(() -> "running".equals(running.getAttribute("data-state")));
        click(running, "button.cancel");
        await().atMost(Duration.ofSeconds(30)).until(() -> "cancelled".equals(running.getAttribute("data-state")));
        // the card lists each job's failure once the page has read the request's report, after showing its state
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(running.getText())
                .contains("cancelled before it was submitted: nothing was charged"));
        assertThat(loadedImages(page, running)).isLessThan(8);
    }

    @Test
    void aFirstScreenShowsResultsWithTheirPromptsAboveManyRejectedFilesAndFilters() throws Exception {
        HttpResponse<String> html = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(html.body()).as("what the page says until the first list arrives").contains("Loading the requests…");

        folders.drop("meadow.txt", "a quiet meadow at dawn\n");
        folders.awaitDone("meadow.txt");
        for (int i = 1; i <= 15; i++) {
            folders.drop(String.format("broken-%02d.json", i), "{\"prompt\": \"a broken kite\",\n \"seed\": \"soon\"}");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(folders.failed.resolve("broken-15.json.error.json")));

        WebDriver page = browser();
        page.get("http://127.0.0.1:" + port + "/");
        WebElement meadow = await().atMost(Duration.ofSeconds(20)).until(() -> card(page, "meadow.txt"), c -> c != null);
        await().atMost(Duration.ofSeconds(20)).until(() -> loadedImages(page, meadow) == 1);
        assertThat(page.findElement(By.id("end")).getText()).doesNotContain("Loading");

        // each tile says what it shows: the prompt as its caption and as the image's alt text
        WebElement tile = meadow.findElement(By.cssSelector(".thumb"));
        assertThat(tile.findElement(By.cssSelector(".caption")).getText()).isEqualTo("a quiet meadow at dawn");
        assertThat(tile.findElement(By.tagName("img")).getAttribute("alt")).isEqualTo("a quiet meadow at dawn");

        // fifteen newer rejected files: one line on the first screen, the result still on it
        WebElement summary = page.findElement(By.id("rejected-summary"));
        await().atMost(Duration.ofSeconds(30)).until(() -> summary.getText().startsWith("15 rejected requests"));
        assertThat(summary.getText()).containsPattern("Newest: broken-\\d\\d\\.json: seed must be a number, not 'soon' \\(line 2, field seed\\)");
        assertThat(onScreen(page, tile)).as("the meadow's image on the first screen at 1280x900").isTrue();
        screenshot(page, "gallery-rejected");
        summary.click();
        List<WebElement> rejected = page.findElements(By.cssSelector("#rejected-list article.request"));
        assertThat(rejected).hasSize(15);
        assertThat(card(page, "broken-07.json").getText()).contains("rejected").contains("line 2").contains("Next step");

        // the detail's Download is on the screen without scrolling, however tall the image
        tile.click();
        WebElement download = page.findElement(By.id("detail-download"));
        await().atMost(Duration.ofSeconds(30)).until(() -> page.findElement(By.id("detail")).getText().contains("a quiet meadow at dawn"));
        await().atMost(Duration.ofSeconds(30)).until(() -> page.findElement(By.id("detail")).getText().matches("(?s).*Size\\s+\\d+x\\d+.*"));
        assertThat(download.isDisplayed()).isTrue();
        assertThat(onScreen(page, download)).as("Download within 1280x900").isTrue();
        screenshot(page, "gallery-detail-download");
        page.findElement(By.cssSelector("#detail .close")).click();

        // a filter by text, state and provider: the API's answer for it, nothing else
        page.findElement(By.id("filter-text")).sendKeys("meadow");
        await().atMost(Duration.ofSeconds(30)).until(() -> shownNames(page).equals(List.of("meadow.txt")));
        new org.openqa.selenium.support.ui.Select(page.findElement(By.id("filter-provider"))).selectByVisibleText("modellix");
        await().atMost(Duration.ofSeconds(30)).until(() -> shownNames(page).isEmpty()
                && page.findElement(By.id("end")).getText().startsWith("No request matches the filter"));
        new org.openqa.selenium.support.ui.Select(page.findElement(By.id("filter-provider"))).selectByVisibleText("modelscope");
        new org.openqa.selenium.support.ui.Select(page.findElement(By.id("filter-state"))).selectByVisibleText("failed");
        await().atMost(Duration.ofSeconds(30)).until(() -> shownNames(page).isEmpty());
        new org.openqa.selenium.support.ui.Select(page.findElement(By.id("filter-state"))).selectByVisibleText("succeeded");
        await().atMost(Duration.ofSeconds(30)).until(() -> shownNames(page).equals(List.of("meadow.txt")));
        WebElement text = page.findElement(By.id("filter-text"));
        text.clear();
        text.sendKeys("broken-0");
        new org.openqa.selenium.support.ui.Select(page.findElement(By.id("filter-provider"))).selectByVisibleText("any");
        new org.openqa.selenium.support.ui.Select(page.findElement(By.id("filter-state"))).selectByVisibleText("rejected");
        await().atMost(Duration.ofSeconds(30)).until(() -> shownNames(page).size() == 9
                && shownNames(page).stream().allMatch(n -> n.startsWith("broken-0")));
        screenshot(page, "gallery-filter");
    }

    /**
     * Clicks the first element the selector finds in a card: its insides are drawn again whenever its request
     * changes, so an element found a moment before may be gone by the click; found again until the click lands.
     */
    static void click(WebElement card, String selector) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(org.openqa.selenium.StaleElementReferenceException.class)
                .until(() -> {
                    card.findElement(By.cssSelector(selector)).click();
                    return true;
                });
    }

    /** The names of the requests the page shows, results and rejected ones. */
    static List<String> shownNames(WebDriver page) {
        // read in one script: the page replaces its cards when the filter changes
        @SuppressWarnings("unchecked")
        List<String> names = (List<String>) ((JavascriptExecutor) page).executeScript(
                "return [...document.querySelectorAll('article.request .name')].map(n => n.textContent)");
        return names;
    }

    /** Whether the element lies wholly within the window, as it is scrolled now. */
    static boolean onScreen(WebDriver page, WebElement element) {
        return (Boolean) ((JavascriptExecutor) page).executeScript("const r = arguments[0].getBoundingClientRect(); "
                + "return r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth "
                + "&& r.height > 0", element);
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
