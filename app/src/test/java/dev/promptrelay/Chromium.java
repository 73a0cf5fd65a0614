package dev.promptrelay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import static org.assertj.core.api.Assertions.assertThat;

/** Debian's chromium, headless, driven through Debian's chromium-driver (the flags CAMEL-NOTES gives for a sandbox). */
public final class Chromium {

    private Chromium() {
    }

    /** A fresh browser with a profile of its own under the given folder. */
    public static WebDriver start(Path profiles) throws IOException {
        Path chromium = Path.of("/usr/bin/chromium");
        Path driver = Path.of("/usr/bin/chromedriver");
        assertThat(Files.isExecutable(chromium) && Files.isExecutable(driver))
                .as("Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run does)")
                .isTrue();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,900",
                "--user-data-dir=" + Files.createTempDirectory(Files.createDirectories(profiles), "chromium-profile"));
        return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
                .usingAnyFreePort().build(), options);
    }
}
