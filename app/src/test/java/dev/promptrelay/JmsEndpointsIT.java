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
 * Prompts as JMS messages on a queue of a real ActiveMQ Artemis broker, results to another queue, rejected messages
 * to a third; an outlet whose broker is down; and {@code kill -9} between a message's receipt and its journal, and
 * between its journal and its acknowledgement. The application runs in a JVM of its own, set up by settings only,
 * as a user would set it up.
 */
class JmsEndpointsIT {


    @Test
    void promptsFromAQueueBecomeResultsOnAQueueAndBadOnesGoToTheFailedQueue() throws Exception {
        Path dir = TestFolders.runDir("jms");
        try (SandboxServer provider = new SandboxServer(new SandboxBehaviour(300, SandboxBehaviour.DEFAULT_REFUSE_MARKER)).start(0);
             JmsBroker broker = JmsBroker.start(dir.resolve("broker"), TestFolders.freePort())) {
            broker.send("prompts", "{\"prompt\": \"a red fox in the snow\", \"count\": 2}", "PromptrelayFileName", "fox.json");
            broker.send("prompts", "{\"prompt\": \"a cat\",\n \"count\": \"many\"}", "PromptrelayFileName", "cat.json");
            try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), settings(provider, broker,
                    "promptrelay.intake.orders.uri", "jms:queue:prompts",
                    "promptrelay.intake.orders.failed-uri", "jms:queue:prompts-failed",
                    "promptrelay.outlet.results.uri", "jms:queue:results"))) {
                List<JmsBroker.Received> results = new ArrayList<>();
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    results.addAll(broker.drain("results"));
                    return results.size() >= 3 || !app.isAlive();
                });
                assertThat(results).as(app.logTail(40)).hasSize(3);
                List<JmsBroker.Received> outputs = results.stream()
                        .filter(r -> "output".equals(r.properties().get("PromptrelayMessage"))).toList();
                assertThat(outputs).hasSize(2);
                for (JmsBroker.Received output : outputs) {
                    assertThat(output.body()).startsWith(PNG);
                    assertThat(output.properties()).containsEntry("PromptrelayPrompt", "a red fox in the snow")
                            .containsEntry("PromptrelayProvider", "modelscope").containsEntry("PromptrelayIntake", "orders")
                            .containsKeys("PromptrelaySeed", "PromptrelayTaskId", "PromptrelaySidecar");
                    // the same bytes as the outbox keeps, under the path it names
                    Path kept = dir.resolve("outbox").resolve(output.properties().get("PromptrelayPath"));
                    assertThat(Files.readAllBytes(kept)).isEqualTo(output.body());
                }
                JsonNode summary = TestFolders.JSON.readTree(results.stream()
                        .filter(r -> "summary".equals(r.properties().get("PromptrelayMessage"))).findFirst().orElseThrow()
                        .text());
                assertThat(summary.path("outcome").asText()).isEqualTo("succeeded");
                assertThat(summary.path("file").asText()).isEqualTo("fox.json");

                List<JmsBroker.Received> failed = broker.drain("prompts-failed");
                assertThat(failed).as(app.logTail(40)).hasSize(2);
                assertThat(failed.get(0).text()).contains("\"count\": \"many\"");
                assertThat(failed.get(0).properties()).containsEntry("PromptrelayFailed", "prompt-file")
                        .containsEntry("PromptrelayErrorField", "count").containsEntry("PromptrelayErrorLine", "2")
                        .containsEntry("PromptrelayFileName", "cat.json");
                JsonNode report = TestFolders.JSON.readTree(failed.get(1).text());
                assertThat(report.path("field").asText()).isEqualTo("count");
                assertThat(report.path("line").asInt()).isEqualTo(2);
                assertThat(report.path("jobs_submitted").asInt()).isZero();
                assertThat(report.path("what_to_do").asText()).doesNotContain("inbox");
                assertThat(provider.count("submits")).as("the bad message cost nothing").isEqualTo(2);
                assertThat(broker.drain("prompts")).as("both messages acknowledged").isEmpty();
                assertThat(app.logText()).doesNotContain(TestKeys.MODELSCOPE);
            }
        }
    }

    @Test
    void resultsWaitForAnOutletWhoseBrokerIsDownAndArriveWhenItIsBack() throws Exception {
        Path dir = TestFolders.runDir("jms-outlet-down");
        int laterPort = TestFolders.freePort();
        try (SandboxServer provider = new SandboxServer(new SandboxBehaviour(200, SandboxBehaviour.DEFAULT_REFUSE_MARKER)).start(0);
             // the outlet's own broker, named on its endpoint (a user's second broker is set up this way)
             SeparateJvm app = EndpointRuns.dropWhileTheOutletIsDown(dir, EndpointRuns.settings(provider,
                     "camel.beans.resultsBroker", "#class:org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory("
                                                  + "\"tcp://127.0.0.1:" + laterPort + "\")",
                     "promptrelay.outlet.results.uri", "jms:queue:results?connectionFactory=#resultsBroker"));
             JmsBroker broker = JmsBroker.start(dir.resolve("broker"), laterPort)) {
            List<JmsBroker.Received> results = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                results.addAll(broker.drain("results"));
                return results.size() >= 2 || !app.isAlive();
            });
            assertThat(results).as(app.logTail(30)).hasSize(2);
            assertThat(results.get(0).body()).startsWith(PNG);
            assertThat(results.get(0).properties()).containsEntry("PromptrelayIntake", "inbox");
            assertThat(results.get(1).properties()).containsEntry("PromptrelayMessage", "summary");
            assertThat(provider.count("submits")).as("nothing generated again for the outlet").isEqualTo(1);
            assertThat(app.logText()).contains("takes deliveries again");
        }
    }

    @Test
    void aKillBeforeTheJournalAndAnotherBeforeTheAcknowledgementTakeTheMessageInOnce() throws Exception {
        Path dir = TestFolders.runDir("jms-kill");
        try (SandboxServer provider = new SandboxServer(new SandboxBehaviour(200, SandboxBehaviour.DEFAULT_REFUSE_MARKER)).start(0);
             JmsBroker broker = JmsBroker.start(dir.resolve("broker"), TestFolders.freePort())) {
            broker.send("prompts", "{\"prompt\": \"a red fox\"}", "PromptrelayFileName", "fox.json");
            EndpointRuns.killedAtBothStepsTakesItInOnce(dir, settings(provider, broker,
                    "promptrelay.intake.orders.uri", "jms:queue:prompts"), provider, "fox.json", () -> true);
            assertThat(broker.drain("prompts")).as("acknowledged in the end").isEmpty();
        }
    }

    static Map<String, String> settings(SandboxServer provider, JmsBroker broker, String... pairs) {
        Map<String, String> settings = EndpointRuns.settings(provider,
                // as docs/endpoint-jms.md sets up a broker: a connection factory bean, given to Camel's jms component
                "camel.beans.artemis", "#class:org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(\""
                                       + broker.url() + "\")",
                "camel.component.jms.connection-factory", "#bean:artemis");
        settings.putAll(SeparateJvm.settings(pairs));
        return settings;
    }
}
