package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptrelay.sandbox.SandboxBehaviour;
import dev.promptrelay.sandbox.SandboxServer;
import org.junit.jupiter.api.Test;

import static dev.promptrelay.JmsEndpointsIT.killAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Prompts as records on a topic of a real Kafka broker (KRaft, in the test's JVM), results to another topic, rejected
 * records to a third; an outlet whose broker is down; and {@code kill -9} between a record's receipt and its journal,
 * and between its journal and its offset's commit. The application runs in a JVM of its own, set up by settings only.
 */
class KafkaEndpointsIT {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

    @Test
    void promptsFromATopicBecomeResultsOnATopicAndBadOnesGoToTheFailedTopic() throws Exception {
        Path dir = TestFolders.runDir("kafka");
        try (SandboxServer provider = new SandboxServer(new SandboxBehaviour(300, SandboxBehaviour.DEFAULT_REFUSE_MARKER)).start(0);
             KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"), TestFolders.freePort())) {
            kafka.send("prompts", "a lighthouse at dusk\na lighthouse at dawn", "PromptrelayFileName", "lighthouse.txt");
            kafka.send("prompts", "{\"prompt\": \"a cat\",\n \"size\": \"huge\"}", "PromptrelayFileName", "cat.json");
            try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), settings(provider,
                    "promptrelay.intake.orders.uri", "kafka:prompts?brokers=" + kafka.bootstrap(),
                    "promptrelay.intake.orders.failed-uri", "kafka:prompts-failed?brokers=" + kafka.bootstrap(),
                    "promptrelay.outlet.results.uri", "kafka:results?brokers=" + kafka.bootstrap()))) {
                List<KafkaBroker.Received> results = new ArrayList<>();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    results.clear();
                    results.addAll(kafka.readAll("results"));
                    return results.size() >= 3 || !app.isAlive();
                });
                assertThat(results).as(app.logTail(40)).hasSize(3);
                List<KafkaBroker.Received> outputs = results.stream()
                        .filter(r -> "output".equals(r.headers().get("PromptrelayMessage"))).toList();
                assertThat(outputs).hasSize(2);
                for (KafkaBroker.Received output : outputs) {
                    assertThat(output.value()).as("the image's bytes as they are").startsWith(PNG);
                    assertThat(output.headers().get("PromptrelayPrompt")).startsWith("a lighthouse at");
                    assertThat(output.headers()).containsEntry("PromptrelayIntake", "orders")
                            .containsKeys("PromptrelaySeed", "PromptrelayTaskId", "PromptrelaySidecar");
                    Path kept = dir.resolve("outbox").resolve(output.headers().get("PromptrelayPath"));
                    assertThat(Files.readAllBytes(kept)).isEqualTo(output.value());
                }
                assertThat(results.get(2).headers()).containsEntry("PromptrelayMessage", "summary");
                JsonNode summary = TestFolders.JSON.readTree(results.get(2).text());
                assertThat(summary.path("jobs_succeeded").asInt()).isEqualTo(2);

                List<KafkaBroker.Received> failed = kafka.readAll("prompts-failed");
                assertThat(failed).as(app.logTail(40)).hasSize(2);
                assertThat(failed.get(0).headers()).containsEntry("PromptrelayErrorField", "size")
                        .containsEntry("PromptrelayErrorLine", "2");
                assertThat(TestFolders.JSON.readTree(failed.get(1).text()).path("field").asText()).isEqualTo("size");
                assertThat(provider.count("submits")).as("the bad record cost nothing").isEqualTo(2);
            }
        }
    }

    @Test
    void resultsWaitForAnOutletWhoseBrokerIsDownAndArriveWhenItIsBack() throws Exception {
        Path dir = TestFolders.runDir("kafka-outlet-down");
        int laterPort = TestFolders.freePort();
        try (SandboxServer provider = new SandboxServer(new SandboxBehaviour(200, SandboxBehaviour.DEFAULT_REFUSE_MARKER)).start(0)) {
            Map<String, String> settings = settings(provider, "promptrelay.inbox.enabled", "true",
                    // a send waits two seconds for the broker, not Kafka's default minute
                    "promptrelay.outlet.results.uri", "kafka:results?brokers=127.0.0.1:" + laterPort + "&maxBlockMs=2000");
            Files.createDirectories(dir.resolve("inbox"));
            try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), settings)) {
                Files.writeString(dir.resolve("cat.tmp"), "a cat on a wall\n");
                Files.move(dir.resolve("cat.tmp"), dir.resolve("inbox").resolve("cat.txt"));
                await().atMost(Duration.ofSeconds(60)).until(() -> app.logText().contains("outlet results")
                                                                   && app.logText().contains("refused") || !app.isAlive());
                assertThat(dir.resolve("archive").resolve("cat.txt")).as(app.logTail(30)).exists();
                try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"), laterPort)) {
                    List<KafkaBroker.Received> results = new ArrayList<>();
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                        results.clear();
                        results.addAll(kafka.readAll("results"));
                        return results.size() >= 2 || !app.isAlive();
                    });
                    assertThat(results).as(app.logTail(30)).hasSize(2);
                    assertThat(results.get(0).value()).startsWith(PNG);
                    assertThat(results.get(1).headers()).containsEntry("PromptrelayMessage", "summary");
                    assertThat(provider.count("submits")).as("nothing generated again for the outlet").isEqualTo(1);
                }
            }
        }
    }

    @Test
    void aKillBeforeTheJournalAndAnotherBeforeTheCommitTakeTheRecordInOnce() throws Exception {
        Path dir = TestFolders.runDir("kafka-kill");
        try (SandboxServer provider = new SandboxServer(new SandboxBehaviour(200, SandboxBehaviour.DEFAULT_REFUSE_MARKER)).start(0);
             KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"), TestFolders.freePort())) {
            // Kafka's own settings where a user keeps them: the component's, not the endpoint's
            // a killed consumer holds its partition until its session times out: ten seconds here, not Kafka's 45
            Map<String, String> settings = settings(provider, "camel.component.kafka.brokers", kafka.bootstrap(),
                    "promptrelay.intake.orders.uri", "kafka:prompts?sessionTimeoutMs=10000");
            kafka.send("prompts", "{\"prompt\": \"a red fox\"}", "PromptrelayFileName", "fox.json");
            killAt(dir, settings, "journal-intake-message");
            killAt(dir, settings, "acknowledge-intake-message");
            try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), settings)) {
                // the journaled job resumes at once; the record comes again once Kafka gives this consumer its partition
                await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(dir.resolve("archive").resolve("fox.json"))
                                                                   && app.logText().contains("was taken in before")
                                                                   || !app.isAlive());
                assertThat(dir.resolve("archive").resolve("fox.json")).as(app.logTail(40)).exists();
                assertThat(TestFolders.create("unused").files(dir.resolve("archive"), "fox*")).as("taken in once").hasSize(1);
                assertThat(TestFolders.create("unused").files(dir.resolve("outbox").resolve("fox"), "*.png")).hasSize(1);
                assertThat(provider.count("submits")).as("paid once").isEqualTo(1);
                assertThat(app.logText()).contains("was taken in before");
            }
            // the offset was committed in the end: a fourth start takes nothing in again
            int logBefore = Files.readString(dir.resolve("app.log")).length();
            try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), settings)) {
                kafka.send("prompts", "a second prompt", "PromptrelayFileName", "second.txt");
                await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(dir.resolve("archive").resolve("second.txt"))
                                                                   || !app.isAlive());
                assertThat(app.logText().substring(logBefore)).as(app.logTail(30)).doesNotContain("was taken in before")
                        .contains("\"second.txt\" from intake orders");
                assertThat(provider.count("submits")).isEqualTo(2);
            }
        }
    }

    static Map<String, String> settings(SandboxServer provider, String... pairs) {
        Map<String, String> settings = new LinkedHashMap<>(SeparateJvm.settings(
                "promptrelay.modelscope.base-url", provider.baseUrl(), "promptrelay.modelscope.api-key", TestKeys.MODELSCOPE,
                "promptrelay.modellix.api-key", "", "promptrelay.scenario.api-key", "",
                "promptrelay.modelscope.scripts-config-file", "", "promptrelay.inbox.enabled", "false"));
        settings.putAll(SeparateJvm.settings(pairs));
        return settings;
    }
}
