package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * Prompts as records on a topic of a real Kafka broker (KRaft, in the test's JVM), results to another topic, rejected
 * records to a third; an outlet whose broker is down; and {@code kill -9} between a record's receipt and its journal,
 * and between its journal and its offset's commit. The application runs in a JVM of its own, set up by settings only.
 */
class KafkaEndpointsIT {


    @Test
    void promptsFromATopicBecomeResultsOnATopicAndBadOnesGoToTheFailedTopic() throws Exception {
        Path dir = TestFolders.runDir("kafka");
        try (SandboxServer provider = new SandboxServer(new SandboxBehaviour(300, SandboxBehaviour.DEFAULT_REFUSE_MARKER)).start(0);
             KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"), TestFolders.freePort())) {
            kafka.send("prompts", "a lighthouse at dusk\na lighthouse at dawn", "PromptrelayFileName", "lighthouse.txt");
            kafka.send("prompts", "{\"prompt\": \"a cat\",\n \"size\": \"huge\"}", "PromptrelayFileName", "cat.json");
            try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), EndpointRuns.settings(provider,
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
        try (SandboxServer provider = new SandboxServer(new SandboxBehaviour(200, SandboxBehaviour.DEFAULT_REFUSE_MARKER)).start(0);
             // a send waits two seconds for the broker, not Kafka's default minute
             SeparateJvm app = EndpointRuns.dropWhileTheOutletIsDown(dir, EndpointRuns.settings(provider,
                     "promptrelay.outlet.results.uri", "kafka:results?brokers=127.0.0.1:" + laterPort + "&maxBlockMs=2000"));
             KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"), laterPort)) {
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

    @Test
    void aKillBeforeTheJournalAndAnotherBeforeTheCommitTakeTheRecordInOnce() throws Exception {
        Path dir = TestFolders.runDir("kafka-kill");
        try (SandboxServer provider = new SandboxServer(new SandboxBehaviour(200, SandboxBehaviour.DEFAULT_REFUSE_MARKER)).start(0);
             KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"), TestFolders.freePort())) {
            // Kafka's own settings where a user keeps them: the component's, not the endpoint's; a killed consumer
            // holds its partition until its session times out: ten seconds here, not Kafka's 45
            Map<String, String> settings = EndpointRuns.settings(provider, "camel.component.kafka.brokers", kafka.bootstrap(),
                    "promptrelay.intake.orders.uri", "kafka:prompts?sessionTimeoutMs=10000");
            kafka.send("prompts", "{\"prompt\": \"a red fox\"}", "PromptrelayFileName", "fox.json");
            EndpointRuns.killedAtBothStepsTakesItInOnce(dir, settings, provider, "fox.json", () -> true);
            // the offset was committed in the end: a fourth start takes nothing in again
            int logBefore = Files.readString(dir.resolve("app.log")).length();
            try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), settings)) {
                kafka.send("prompts", "a second prompt", "PromptrelayFileName", "second.txt");
                await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(dir.resolve("archive").resolve("second.txt"))
                                                                   || !app.isAlive());
                assertThat(app.logText().substring(logBefore)).as(app.logTail(30)).doesNotContain("was taken in before")
                        .contains("\"second.txt\" from intake orders");
                assertThat(provider.count("submits")).isEqualTo(2);
                // without a failed-uri a bad record goes to failed/ as a dropped file would, its report beside it
                kafka.send("prompts", "{\"prompt\": \"a cat\", \"count\": 0}", "PromptrelayFileName", "zero.json");
                Path report = dir.resolve("failed").resolve("zero.json.error.json");
                await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(report) || !app.isAlive());
                assertThat(dir.resolve("failed").resolve("zero.json")).as(app.logTail(20))
                        .hasContent("{\"prompt\": \"a cat\", \"count\": 0}");
                assertThat(TestFolders.JSON.readTree(report.toFile()).path("field").asText()).isEqualTo("count");
                assertThat(TestFolders.JSON.readTree(report.toFile()).path("intake").asText()).isEqualTo("orders");
                assertThat(provider.count("submits")).isEqualTo(2);
            }
        }
    }
}
