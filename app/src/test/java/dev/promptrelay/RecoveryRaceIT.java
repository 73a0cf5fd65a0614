package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Requests that arrive while the start's recovery still sorts out what the last stop left in progress are the new
 * process's own: recovery leaves them alone. Before, a request journaled meanwhile was taken for a leftover the
 * journal did not know and sent to failed/, and one being held could be moved away under its writer.
 */
class RecoveryRaceIT extends RunningApplication {

    static final int LEFTOVERS = 3000;
    static TestFolders folders;
    static int port;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("recovery-race");
        // what a stop left taken in but not journaled: temporary names, which the inbox never reads once they are back
        Path incoming = folders.root.resolve("state").resolve("in-progress").resolve(".incoming");
        for (int i = 0; i < LEFTOVERS; i++) {
            Path folder = Files.createDirectories(incoming.resolve(UUID.randomUUID().toString()));
            Files.writeString(folder.resolve(".leftover-" + i + ".tmp"), "a leftover\n");
        }
        port = TestFolders.freePort();
        folders.set("camel.server.enabled", "true");
        folders.set("camel.server.port", String.valueOf(port));
    }


    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void requestsTakenInDuringRecoveryAreLeftAlone() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<String> ids = new ArrayList<>();
        // post while the leftovers are still being sorted out, and a few after
        for (int i = 0; i < 40 && (i < 5 || leftoversRemain()); i++) {
            HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/jobs"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"a heron number " + i + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
            ids.add(TestFolders.JSON.readTree(posted.body()).path("id").asText());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> inbox().size() == LEFTOVERS);
        for (String id : ids) {
            await().atMost(Duration.ofSeconds(60)).until(() -> List.of("succeeded", "failed").contains(state(http, id)));
            assertThat(state(http, id)).as("request " + id).isEqualTo("succeeded");
        }
        assertThat(inbox()).as("only the leftovers went back to the inbox").allMatch(name -> name.startsWith(".leftover-"));
        try (Stream<Path> failed = Files.list(folders.failed)) {
            assertThat(failed.toList()).as("no request taken for an unknown leftover").isEmpty();
        }
    }

    private static boolean leftoversRemain() throws IOException {
        return inbox().size() < LEFTOVERS;
    }

    private static List<String> inbox() throws IOException {
        if (!Files.isDirectory(folders.inbox)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folders.inbox)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.equals(dev.promptrelay.prompt.InboxEntries.INBOX_LOCK)).toList();
        }
    }

    private static String state(HttpClient http, String id) throws Exception {
        HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/jobs/" + id))
                .build(), HttpResponse.BodyHandlers.ofString());
        return TestFolders.JSON.readTree(reply.body()).path("state").asText();
    }
}
