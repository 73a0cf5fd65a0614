package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.promptrelay.sandbox.SandboxServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the intake and outlet tests do alike, whatever the endpoint: the application's settings, kills, an outage. */
final class EndpointRuns {

    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

    private EndpointRuns() {
    }

    /** ModelScope answered by the test's sandbox, the others off, no drop folder unless the pairs turn it on. */
    static Map<String, String> settings(SandboxServer provider, String... pairs) {
        Map<String, String> settings = new LinkedHashMap<>(SeparateJvm.settings(
                "promptrelay.modelscope.base-url", provider.baseUrl(), "promptrelay.modelscope.api-key", TestKeys.MODELSCOPE,
                "promptrelay.modellix.api-key", "", "promptrelay.scenario.api-key", "",
                "promptrelay.modelscope.scripts-config-file", "", "promptrelay.inbox.enabled", "false"));
        settings.putAll(SeparateJvm.settings(pairs));
        return settings;
    }

    /**
     * Starts the application paused before the journal step and kills it there with kill -9, then once more paused
     * before the acknowledgement; then starts it for good and waits until the prompt file is archived and its message,
     * delivered again, was known: taken in once, one output, paid once. {@code alsoDone} adds the endpoint's own end.
     */
    static void killedAtBothStepsTakesItInOnce(Path dir, Map<String, String> settings, SandboxServer provider,
                                                String fileName, Callable<Boolean> alsoDone) throws Exception {
        killAt(dir, settings, "journal-intake-message");
        killAt(dir, settings, "acknowledge-intake-message");
        Path archived = dir.resolve("archive").resolve(fileName);
        try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), settings)) {
            // the journaled job resumes at once; the message comes again once its endpoint gives it to this consumer
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(archived)
                                                               && app.logText().contains("was taken in before")
                                                               && alsoDone.call() || !app.isAlive());
            assertThat(archived).as(app.logTail(40)).exists();
            TestFolders folders = TestFolders.create("unused");
            String base = fileName.substring(0, fileName.lastIndexOf('.'));
            assertThat(folders.files(dir.resolve("archive"), base + "*")).as("taken in once").hasSize(1);
            assertThat(folders.files(dir.resolve("outbox").resolve(base), "*.png")).hasSize(1);
            assertThat(provider.count("submits")).as("paid once").isEqualTo(1);
            assertThat(folders.files(dir.resolve("inbox"), "*")).as("no copy in the inbox").isEmpty();
        }
    }

    /** Starts the application paused at the step, and kills it there with kill -9. */
    static void killAt(Path dir, Map<String, String> settings, String step) throws Exception {
        Path marker = dir.resolve("paused-at-" + step);
        try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m", "-Dpause.at=" + step), settings)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(marker) || !app.isAlive());
            assertThat(marker).as(app.logTail(40)).exists();
            app.kill();
        }
        Files.delete(marker);
    }

    /**
     * Starts the application with its drop folder on and drops {@code cat.txt}; returns it, running, once the file is
     * archived and the outlet named {@code results} has refused its output (its server is not there yet).
     */
    static SeparateJvm dropWhileTheOutletIsDown(Path dir, Map<String, String> settings) throws Exception {
        Files.createDirectories(dir.resolve("inbox"));
        Map<String, String> withInbox = new LinkedHashMap<>(settings);
        withInbox.put("promptrelay.inbox.enabled", "true");
        SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), withInbox);
        Files.writeString(dir.resolve("cat.tmp"), "a cat on a wall\n");
        Files.move(dir.resolve("cat.tmp"), dir.resolve("inbox").resolve("cat.txt"));
        await().atMost(Duration.ofSeconds(60)).until(() -> app.logText().contains("outlet results")
                                                           && app.logText().contains("refused") || !app.isAlive());
        assertThat(dir.resolve("archive").resolve("cat.txt")).as(app.logTail(30)).exists();
        return app;
    }
}
