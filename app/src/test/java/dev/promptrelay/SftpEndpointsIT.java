package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptrelay.sandbox.SandboxBehaviour;
import dev.promptrelay.sandbox.SandboxServer;
import org.junit.jupiter.api.Test;

import static dev.promptrelay.EndpointRuns.PNG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Prompt files from a folder of a real SFTP server (Apache MINA SSHD), results with their sidecars to a folder of
 * another, rejected files with their error reports to a third; an outlet server that is down; and {@code kill -9}
 * between a file's download and its journal, and between its journal and its move at the server.
 */
class SftpEndpointsIT {


    @Test
    void remotePromptFilesBecomeRemoteResultsAndBadOnesGoToTheRemoteFailedFolder() throws Exception {
        Path dir = TestFolders.runDir("sftp");
        try (SandboxServer provider = new SandboxServer(new SandboxBehaviour(300, SandboxBehaviour.DEFAULT_REFUSE_MARKER)).start(0);
             SftpServer sftp = SftpServer.start(dir.resolve("partner"), TestFolders.freePort())) {
            Path prompts = Files.createDirectories(sftp.root.resolve("prompts"));
            Files.writeString(prompts.resolve("harbour.txt"), "a harbour at night\n");
            Files.writeString(prompts.resolve("bad.yaml"), "prompt: a cat\nseed: [1, 2]\n");
            try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), EndpointRuns.settings(provider,
                    "promptrelay.intake.partner.uri", sftp.uri("prompts", "move=done&delay=200"),
                    "promptrelay.intake.partner.failed-uri", sftp.uri("failed", ""),
                    "promptrelay.outlet.partner-results.uri", sftp.uri("results", "")))) {
                Path results = sftp.root.resolve("results").resolve("harbour");
                await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(results.resolveSibling("harbour.summary.json"))
                                                                   || !app.isAlive());
                List<Path> images = TestFolders.create("unused").files(results, "*.png");
                assertThat(images).as(app.logTail(40)).hasSize(1);
                Path image = images.get(0);
                assertThat(Files.readAllBytes(image)).startsWith(PNG)
                        .isEqualTo(Files.readAllBytes(dir.resolve("outbox").resolve("harbour").resolve(image.getFileName())));
                JsonNode sidecar = TestFolders.JSON.readTree(image.resolveSibling(image.getFileName() + ".json").toFile());
                assertThat(sidecar.path("prompt").asText()).isEqualTo("a harbour at night");
                assertThat(sftp.root.resolve("prompts").resolve("done").resolve("harbour.txt")).as("moved once journaled").exists();
                assertThat(dir.resolve("archive").resolve("harbour.txt")).exists();

                await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(sftp.root.resolve("failed").resolve("bad.yaml.error.json")));
                assertThat(sftp.root.resolve("failed").resolve("bad.yaml")).hasContent("prompt: a cat\nseed: [1, 2]\n");
                JsonNode report = TestFolders.JSON.readTree(sftp.root.resolve("failed").resolve("bad.yaml.error.json").toFile());
                assertThat(report.path("field").asText()).isEqualTo("seed");
                assertThat(report.path("line").asInt()).isEqualTo(2);
                assertThat(provider.count("submits")).isEqualTo(1);
                assertThat(app.logText()).doesNotContain(SftpServer.PASSWORD).doesNotContain(TestKeys.MODELSCOPE);
            }
        }
    }

    @Test
    void resultsWaitForAnOutletServerThatIsDownAndArriveWhenItIsBack() throws Exception {
        Path dir = TestFolders.runDir("sftp-outlet-down");
        int laterPort = TestFolders.freePort();
        try (SandboxServer provider = new SandboxServer(new SandboxBehaviour(200, SandboxBehaviour.DEFAULT_REFUSE_MARKER)).start(0);
             SeparateJvm app = EndpointRuns.dropWhileTheOutletIsDown(dir, EndpointRuns.settings(provider,
                     "promptrelay.outlet.results.uri", "sftp://" + SftpServer.USER + "@127.0.0.1:" + laterPort
                                                       + "/results?password=RAW(" + SftpServer.PASSWORD + ")"
                                                       + "&strictHostKeyChecking=no&useUserKnownHostsFile=false"));
             SftpServer later = SftpServer.start(dir.resolve("partner"), laterPort)) {
            Path results = later.root.resolve("results").resolve("cat");
            // the summary comes last, beside the outputs' folder as in the outbox
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(results.resolveSibling("cat.summary.json"))
                                                               || !app.isAlive());
            assertThat(TestFolders.create("unused").files(results, "*.png")).as(app.logTail(30)).hasSize(1);
            assertThat(TestFolders.create("unused").files(results, "*.png.json")).hasSize(1);
            assertThat(provider.count("submits")).as("nothing generated again for the outlet").isEqualTo(1);
        }
    }

    @Test
    void aKillBeforeTheJournalAndAnotherBeforeTheMoveTakeTheFileInOnce() throws Exception {
        Path dir = TestFolders.runDir("sftp-kill");
        try (SandboxServer provider = new SandboxServer(new SandboxBehaviour(200, SandboxBehaviour.DEFAULT_REFUSE_MARKER)).start(0);
             SftpServer sftp = SftpServer.start(dir.resolve("partner"), TestFolders.freePort())) {
            Path prompts = Files.createDirectories(sftp.root.resolve("prompts"));
            Files.writeString(prompts.resolve("fox.txt"), "a red fox\n");
            EndpointRuns.killedAtBothStepsTakesItInOnce(dir, EndpointRuns.settings(provider,
                    "promptrelay.intake.partner.uri", sftp.uri("prompts", "delete=true&delay=200")), provider, "fox.txt",
                    // deleted at the server once journaled
                    () -> !Files.exists(prompts.resolve("fox.txt")));
        }
    }
}
