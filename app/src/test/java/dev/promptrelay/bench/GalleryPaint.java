package dev.promptrelay.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

import dev.promptrelay.Chromium;
import dev.promptrelay.sandbox.SandboxBehaviour;
import dev.promptrelay.sandbox.SandboxFaults;
import dev.promptrelay.sandbox.SandboxServer;

/**
 * The gallery with 2,000 results (20 prompt files of 100 prompts, 512x512 images, thumbnails made as they were
 * written), opened in Debian's chromium: time to first paint, to the list shown, and to every thumbnail on the screen
 * loaded, what was fetched, and the page's JavaScript heap. The first load is cold (a new profile), the rest reloads.
 */
final class GalleryPaint {

    static final int FILES = 20;
    static final int PROMPTS = 100;
    static final int LOADS = 5;

    /** What the page reports when every thumbnail on the screen is loaded. */
    private static final String MEASURE = """
            const done = arguments[arguments.length - 1];
            (function check() {
              const fcp = performance.getEntriesByName('first-contentful-paint')[0];
              const listed = performance.getEntriesByName('gallery:listed')[0];
              const onScreen = [...document.querySelectorAll('.thumb')].filter((t) => {
                const r = t.getBoundingClientRect();
                return r.top < innerHeight && r.bottom > 0;
              });
              const loaded = onScreen.filter((t) => { const i = t.querySelector('img'); return i && i.naturalWidth > 0; });
              if (fcp && listed && onScreen.length > 0 && loaded.length === onScreen.length) {
                const resources = performance.getEntriesByType('resource');
                const page = performance.getEntriesByType('navigation')[0];
                done({ fcp: fcp.startTime, listed: listed.startTime, shown: performance.now(), onScreen: onScreen.length,
                       tiles: document.querySelectorAll('.thumb').length,
                       fetched: resources.filter((r) => r.name.includes('/thumbnail')).length,
                       bytes: resources.reduce((sum, r) => sum + r.encodedBodySize, page.encodedBodySize),
                       heap: performance.memory ? performance.memory.usedJSHeapSize : 0 });
              } else {
                requestAnimationFrame(check);
              }
            })();
            """;

    private GalleryPaint() {
    }

    static String run() throws Exception {
        Path runs = Files.createDirectories(Path.of("target", "bench-runs").toAbsolutePath());
        Path dir = Files.createTempDirectory(runs, "gallery-");
        SandboxBehaviour behaviour = new SandboxBehaviour(0, SandboxBehaviour.DEFAULT_REFUSE_MARKER,
                SandboxBehaviour.DEFAULT_VIDEO_BYTES, SandboxBehaviour.DEFAULT_LINK_MILLIS, SandboxFaults.NONE, 0, 64);
        try (SandboxServer provider = new SandboxServer(behaviour).start(0)) {
            int port = Benchmark.freePort();
            Process app = Benchmark.startApplication(dir, List.of("-Xmx256m"),
                    Benchmark.modelScopeWithApi(provider, 64, port, Benchmark.freePort()));
            WebDriver browser = null;
            try {
                Path inbox = Files.createDirectories(dir.resolve("inbox"));
                long start = System.nanoTime();
                for (int f = 1; f <= FILES; f++) {
                    int file = f;
                    Path temp = Files.writeString(dir.resolve("batch-" + f + ".tmp"), IntStream.rangeClosed(1, PROMPTS)
                            .mapToObj(i -> "batch " + file + ", a lighthouse at dusk number " + i + " --size 512x512")
                            .collect(Collectors.joining("\n")));
                    Files.setLastModifiedTime(temp, java.nio.file.attribute.FileTime.from(
                            java.time.Instant.now().minusSeconds(60)));
                    Files.move(temp, inbox.resolve("batch-" + f + ".txt"));
                }
                Path thumbnails = dir.resolve(".promptrelay").resolve("thumbnails");
                Benchmark.awaitCondition(Duration.ofMinutes(20), Duration.ofMillis(500), app, dir,
                        "not all results and thumbnails were made", () -> count(dir.resolve("archive"), ".txt") == FILES
                                                                        && count(thumbnails, ".jpg") == FILES * PROMPTS);
                double made = (System.nanoTime() - start) / 1e9;

                browser = Chromium.start(dir);
                browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(120));
                StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                        "%d results in %d requests, made and thumbnailed in %.0f s%n%n", FILES * PROMPTS, FILES, made)
                        + "| load | first paint ms | list shown ms | thumbnails on screen loaded ms | on screen / tiles "
                        + "| thumbnails fetched | KB fetched | JS heap MB |\n|---|---|---|---|---|---|---|---|\n");
                for (int load = 1; load <= LOADS; load++) {
                    browser.get("about:blank");
                    browser.get("http://127.0.0.1:" + port + "/");
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = (Map<String, Object>) ((JavascriptExecutor) browser).executeAsyncScript(MEASURE);
                    String row = String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %s / %s | %s | %.0f | %.1f |",
                            load == 1 ? "first (new profile)" : "again " + (load - 1), number(m, "fcp"),
                            number(m, "listed"), number(m, "shown"), m.get("onScreen"), m.get("tiles"), m.get("fetched"),
                            number(m, "bytes") / 1024, number(m, "heap") / (1024 * 1024));
                    System.out.println(row);
                    table.append(row).append('\n');
                }
                return table.toString();
            } finally {
                if (browser != null) {
                    browser.quit();
                }
                app.destroy();
                if (!app.waitFor(15, TimeUnit.SECONDS)) {
                    app.destroyForcibly();
                }
            }
        }
    }

    private static double number(Map<String, Object> measured, String key) {
        return ((Number) measured.get(key)).doubleValue();
    }

    private static long count(Path folder, String suffix) throws java.io.IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(f -> f.toString().endsWith(suffix)).count();
        }
    }
}
