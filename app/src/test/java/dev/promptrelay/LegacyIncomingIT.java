package dev.promptrelay;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.promptrelay.output.AtomicFiles;
import dev.promptrelay.sandbox.SandboxBehaviour;
import dev.promptrelay.sandbox.SandboxServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Upgraded while a prompt file was half taken in: the version before nodes journaled it while it was still in
 * {@code in-progress/.incoming/<id>/} and stopped. Started again, this version knows it as journaled: it is finished,
 * not sent back to the inbox to be paid for a second time.
 */
class LegacyIncomingIT {

    @Test
    void aFileJournaledByTheVersionBeforeNodesIsFinishedNotPaidAgain() throws Exception {
        Path dir = TestFolders.runDir("legacy-incoming");
        try (SandboxServer provider = new SandboxServer(new SandboxBehaviour(300, SandboxBehaviour.DEFAULT_REFUSE_MARKER))
                .start(0)) {
            Map<String, String> settings = SeparateJvm.settings("promptrelay.modelscope.base-url", provider.baseUrl(),
                    "promptrelay.modelscope.api-key", TestKeys.MODELSCOPE, "promptrelay.modelscope.scripts-config-file", "",
                    "promptrelay.modellix.api-key", "", "promptrelay.scenario.api-key", "");
            // a first run makes the journal and shows how a job of a one-line file is journaled
            try (SeparateJvm first = SeparateJvm.start(dir, List.of("-Xmx256m"), settings)) {
                Files.createDirectories(dir.resolve("inbox"));
                Path temp = Files.writeString(dir.resolve("first.tmp"), "a first fox\n");
                Files.move(temp, dir.resolve("inbox").resolve("first.txt"));
                await().atMost(Duration.ofMinutes(3)).until(() -> Files.exists(dir.resolve("archive").resolve("first.txt"))
                                                                    || !first.isAlive());
            }
            assertThat(provider.count("submits")).isEqualTo(1);

            // what the version before nodes left: legacy.txt journaled as <id>/legacy.txt, still in .incoming/<id>/
            String folderId = UUID.randomUUID().toString();
            byte[] content = "a legacy hare\n".getBytes(StandardCharsets.UTF_8);
            Path held = Files.createDirectories(dir.resolve(".promptrelay").resolve("in-progress").resolve(".incoming")
                    .resolve(folderId)).resolve("legacy.txt");
            Files.write(held, content);
            String url = "jdbc:h2:file:" + dir.resolve(".promptrelay").resolve("journal").toAbsolutePath();
            try (Connection c = DriverManager.getConnection(url, "sa", "")) {
                String spec;
                try (ResultSet rs = c.createStatement().executeQuery("SELECT spec FROM job")) {
                    rs.next();
                    spec = rs.getString(1).replace("a first fox", "a legacy hare");
                }
                String fileId = UUID.randomUUID().toString();
                OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                try (PreparedStatement p = c.prepareStatement("INSERT INTO prompt_file (id, name, held_path, sha256, state, "
                                                              + "job_count, received_at) VALUES (?, 'legacy.txt', ?, ?, 'open', 1, ?)")) {
                    p.setString(1, fileId);
                    p.setString(2, folderId + "/legacy.txt");
                    p.setString(3, AtomicFiles.sha256Of(new java.io.ByteArrayInputStream(content)));
                    p.setObject(4, now);
                    p.executeUpdate();
                }
                try (PreparedStatement p = c.prepareStatement("INSERT INTO job (id, prompt_file_id, seq, provider, model, "
                                                              + "spec, state, created_at, updated_at) VALUES (?, ?, 1, 'modelscope', "
                                                              + "(SELECT model FROM job FETCH FIRST 1 ROWS ONLY), ?, 'queued', ?, ?)")) {
                    p.setString(1, UUID.randomUUID().toString());
                    p.setString(2, fileId);
                    p.setString(3, spec);
                    p.setObject(4, now);
                    p.setObject(5, now);
                    p.executeUpdate();
                }
            }

            try (SeparateJvm second = SeparateJvm.start(dir, List.of("-Xmx256m"), settings)) {
                await().atMost(Duration.ofMinutes(3)).until(() -> Files.exists(dir.resolve("archive").resolve("legacy.txt"))
                                                                    || Files.exists(dir.resolve("failed").resolve("legacy.txt"))
                                                                    || !second.isAlive());
                assertThat(dir.resolve("archive").resolve("legacy.txt")).as(second.logTail(40)).exists();
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                        .until(() -> provider.count("submits") == 2);
                // the running application's own lock aside
                try (java.util.stream.Stream<Path> inbox = Files.list(dir.resolve("inbox"))) {
                    assertThat(inbox.filter(p -> !p.getFileName().toString().equals(
                            dev.promptrelay.prompt.InboxEntries.INBOX_LOCK))).as("nothing sent back to be taken in again").isEmpty();
                }
            }
        }
    }
}
