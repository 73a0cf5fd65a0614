package dev.promptrelay;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.promptrelay.sandbox.SandboxBehaviour;
import dev.promptrelay.sandbox.SandboxServer;
import org.junit.jupiter.api.Test;

import static dev.promptrelay.SeparateJvm.keyless;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The runnable application as a user starts it, in its own JVM: a clean start says where it answers and warns of
 * nothing; a taken port or a second instance on the same state directory ends the start at once with one line saying
 * what to change; --help and --once do what a cron job or CI needs.
 */
class CleanStartIT {

    @Test
    void aNormalStartWarnsOfNothingAndNamesWhereItAnswers() throws Exception {
        Path dir = TestFolders.runDir("clean-start");
        int api = TestFolders.freePort();
        int management = TestFolders.freePort();
        try (SandboxServer provider = new SandboxServer(new SandboxBehaviour(300, SandboxBehaviour.DEFAULT_REFUSE_MARKER)).start(0);
             SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), live(provider, "camel.server.enabled", "true",
                     "camel.server.port", String.valueOf(api), "camel.management.enabled", "true",
                     "camel.management.port", String.valueOf(management),
                     "promptrelay.schedules.nightly.cron", "0 30 2 * * ?", "promptrelay.schedules.nightly.prompt", "a night"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !app.isAlive() || app.logText().contains("Journal read")
                                                                && app.logText().contains("Health and metrics at"));
            String log = app.logText();
            assertThat(log).as(app.logTail(40))
                    .contains("HTTP API at http://127.0.0.1:" + api + ": GET /, GET /gallery/{asset}, POST /api/jobs, "
                              + "POST /api/jobs/{id}/retry, GET /api/jobs, GET /api/jobs/{id}, GET /api/jobs/{id}/outputs/{n}, "
                              + "GET /api/jobs/{id}/outputs/{n}/thumbnail, GET /api/jobs/{id}/outputs/{n}/sidecar, DELETE /api/jobs/{id}, GET /api/providers")
                    .contains("Health and metrics at http://127.0.0.1:" + management);
            assertThat(log.lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))).as("no warning at a normal start").isEmpty();
            assertThat(log).doesNotContain("Quartz").doesNotContain("0.0.0.0");
            assertThat(log.lines().filter(l -> l.matches(".*\\s{4}Started \\S+ \\(.*"))).as("no line a route").isEmpty();
            assertThat(log).contains("Routes startup");
        }
    }

    @Test
    void aTakenPortEndsTheStartWithOneLine() throws Exception {
        Path dir = TestFolders.runDir("port-taken");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), keyless("camel.server.enabled", "true",
                     "camel.server.port", String.valueOf(taken.getLocalPort())))) {
            assertThat(app.exitCode(Duration.ofSeconds(60))).isNotZero();
            assertThat(app.logText()).contains("port " + taken.getLocalPort() + " on 127.0.0.1 cannot be bound")
                    .contains("set camel.server.port to a free port").doesNotContain("\tat ");
        }
    }

    @Test
    void aSecondPromptrelayOnTheSameStateDirectoryStops() throws Exception {
        Path dir = TestFolders.runDir("second-instance");
        try (SeparateJvm first = SeparateJvm.start(dir, List.of("-Xmx256m"), keyless())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !first.isAlive() || first.logText().contains("Journal read"));
            Path other = Files.createDirectories(dir.resolve("other"));
            try (SeparateJvm second = SeparateJvm.start(other, List.of("-Xmx256m"),
                    keyless("promptrelay.state-dir", dir.resolve(".promptrelay").toString()))) {
                assertThat(second.exitCode(Duration.ofSeconds(60))).isNotZero();
                assertThat(second.logText()).contains("another promptrelay is running on the state directory")
                        .contains("process " + first.pid()).doesNotContain("server mode").doesNotContain("\tat ");
            }
            assertThat(first.isAlive()).as("the first one runs on").isTrue();
        }
    }

    @Test
    void aSecondInstallationOnTheSameInboxStopsSayingWhoWatchesIt() throws Exception {
        Path dir = TestFolders.runDir("shared-inbox");
        Path inbox = dir.resolve("inbox");
        try (SeparateJvm first = SeparateJvm.start(dir, List.of("-Xmx256m"), keyless())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !first.isAlive() || first.logText().contains("Journal read"));
            Path other = Files.createDirectories(dir.resolve("other"));
            // a state directory of its own, the first one's inbox
            try (SeparateJvm second = SeparateJvm.start(other, List.of("-Xmx256m"), keyless("promptrelay.inbox", inbox.toString()))) {
                assertThat(second.exitCode(Duration.ofSeconds(60))).isNotZero();
                assertThat(second.logText()).as(second.logTail(10))
                        .contains("the inbox " + inbox + " is watched by another promptrelay (process " + first.pid())
                        .contains("an inbox belongs to one installation").doesNotContain("\tat ");
            }
            assertThat(first.isAlive()).as("the first one runs on").isTrue();
            first.stop();
        }
        assertThat(inbox.resolve(dev.promptrelay.prompt.InboxEntries.INBOX_LOCK)).as("nothing left in the inbox").doesNotExist();
    }

    @Test
    void aMisspeltSettingOrAJvmOptionAfterTheJarEndsTheStartSayingWhatWasMeant() throws Exception {
        Path dir = TestFolders.runDir("misspelt");
        try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), keyless("promptrelay.inbx", "drop"))) {
            assertThat(app.exitCode(Duration.ofSeconds(60))).isNotZero();
            assertThat(app.logText()).contains("promptrelay has no setting promptrelay.inbx (a -D option): did you mean "
                                               + "promptrelay.inbox?").doesNotContain("\tat ");
        }
        Path file = TestFolders.runDir("misspelt-in-file");
        Files.writeString(file.resolve("application.properties"), "promptrelay.sandbox.task-milis = 10\n");
        try (SeparateJvm app = SeparateJvm.start(file, List.of("-Xmx256m"), keyless())) {
            assertThat(app.exitCode(Duration.ofSeconds(60))).isNotZero();
            assertThat(app.logText()).contains("promptrelay has no setting promptrelay.sandbox.task-milis")
                    .contains("did you mean promptrelay.sandbox.task-millis?");
        }
        assertThat(file.resolve(".promptrelay").resolve("journal.mv.db")).as("nothing started").doesNotExist();
        try (SeparateJvm app = SeparateJvm.start(TestFolders.runDir("typical-seconds"), List.of("-Xmx256m"),
                keyless("promptrelay.modelscope.typical-task-seconds", "20s"))) {
            assertThat(app.exitCode(Duration.ofSeconds(60))).isNotZero();
            assertThat(app.logText()).contains("promptrelay.modelscope.typical-task-seconds = 20s: '20s' is not a number "
                                               + "of seconds or model=seconds").doesNotContain("\tat ");
        }
        try (SeparateJvm app = SeparateJvm.start(dir, Application.class.getName(), List.of(), Map.of(),
                List.of("-Dcamel.server.port=8400"))) {
            assertThat(app.exitCode(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(app.logText()).contains("-Dcamel.server.port=8400 is an option of java, not of promptrelay: put it "
                                               + "before -jar (java -Dcamel.server.port=8400 -jar promptrelay.jar), or set "
                                               + "the environment variable CAMEL_SERVER_PORT=8400");
        }
    }

    @Test
    void aMistakeInAnIntakeOrOutletEndsTheStartSayingWhatToWrite() throws Exception {
        Path dir = TestFolders.runDir("endpoint-mistakes");
        try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), keyless("promptrelay.intake.bucket.uri",
                "aws2-s3://prompts?accessKey=AKIAEXAMPLE&secretKey=RAW(top-secret-key)"))) {
            assertThat(app.exitCode(Duration.ofSeconds(60))).isNotZero();
            assertThat(app.logText()).contains("promptrelay.intake.bucket.uri is 'aws2-s3://prompts")
                    .contains("Camel has no component 'aws2-s3' here").contains("org.apache.camel:camel-aws2-s3")
                    .doesNotContain("top-secret-key").doesNotContain("\tat ");
        }
        try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), keyless("promptrelay.intake.api.uri",
                "seda:prompts"))) {
            assertThat(app.exitCode(Duration.ofSeconds(60))).isNotZero();
            assertThat(app.logText()).contains("promptrelay.intake.api.uri: 'api' is the name of promptrelay's own "
                                               + "source of requests; give this intake another name");
        }
        try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), keyless("promptrelay.outlet.results.uri",
                "seda:results", "promptrelay.outlet.results.intake", "orders"))) {
            assertThat(app.exitCode(Duration.ofSeconds(60))).isNotZero();
            assertThat(app.logText()).contains("promptrelay.outlet.results.intake names 'orders', which is no intake");
        }
    }

    @Test
    void aMistakeInAProviderProfileEndsTheStartNamingFileLineAndWhatToWrite() throws Exception {
        Path dir = TestFolders.runDir("bad-profile");
        Files.createDirectories(dir.resolve("providers"));
        Files.writeString(dir.resolve("providers").resolve("acme.yaml"), """
                base-url: https://api.acme.test
                submit:
                  path: /v1/generate
                  task-id: $.job_id
                poll:
                  path: /v1/jobs/{task_id}
                status:
                  path: $.[state
                  succeeded: [done]
                outputs: $.files[*]
                """);
        try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), keyless())) {
            assertThat(app.exitCode(Duration.ofSeconds(60))).isNotZero();
            assertThat(app.logText()).contains("provider profile providers/acme.yaml line 8, status.path: '$.[state' is not a "
                                               + "valid JSONPath").doesNotContain("\tat ");
        }
        assertThat(dir.resolve(".promptrelay").resolve("journal.mv.db")).as("nothing started").doesNotExist();
        try (SeparateJvm list = SeparateJvm.start(dir, Application.class.getName(), List.of(), Map.of(), List.of("--providers"))) {
            assertThat(list.exitCode(Duration.ofSeconds(60))).as("--providers says the same").isEqualTo(1);
            assertThat(list.logText()).contains("providers/acme.yaml line 8");
        }
        Files.writeString(dir.resolve("providers").resolve("acme.yaml"), Files.readString(dir.resolve("providers")
                .resolve("acme.yaml")).replace("$.[state", "$.state"));
        try (SeparateJvm list = SeparateJvm.start(dir, Application.class.getName(), List.of(), Map.of(), List.of("--providers"))) {
            assertThat(list.exitCode(Duration.ofSeconds(60))).isZero();
            assertThat(list.logText()).contains("acme").contains("providers/acme.yaml").contains("replicate");
        }
    }

    @Test
    void ctrlCNamesItselfAndSaysInOneLineWhatIsLeft() throws Exception {
        Path dir = TestFolders.runDir("stop-report");
        Files.createDirectories(dir.resolve("inbox"));
        // ModelScope takes one task at a time, and this one runs for as long as the test does
        Files.writeString(dir.resolve("inbox").resolve("three.txt"), "a first fox\na second fox\na third fox\n");
        try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), keyless("promptrelay.sandbox.task-millis", "600000"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !app.isAlive() || app.logText().contains("submitted to modelscope"));
            app.interrupt();
            assertThat(app.logText()).as(app.logTail(20))
                    .contains("Stopping on SIGINT (Ctrl+C)").doesNotContain("SIGTERM")
                    .contains("Stopped with 2 queued, 1 running: they resume at the next start, nothing is submitted twice");
        }
    }

    @Test
    void helpAndOnce() throws Exception {
        Path dir = TestFolders.runDir("once");
        try (SeparateJvm help = SeparateJvm.start(dir, Application.class.getName(), List.of(), Map.of(), List.of("--help"))) {
            assertThat(help.exitCode(Duration.ofSeconds(30))).isZero();
            assertThat(help.logText()).contains("--once").contains("promptrelay.inbox").contains("MODELSCOPE_API_KEY");
        }
        Files.createDirectories(dir.resolve("inbox"));
        Files.writeString(dir.resolve("inbox").resolve("good.txt"), "a good fox\n");
        try (SeparateJvm once = SeparateJvm.start(dir, Application.class.getName(), List.of("-Xmx256m"),
                keyless("promptrelay.sandbox.task-millis", "300"), List.of("--once"))) {
            assertThat(once.exitCode(Duration.ofSeconds(60))).as(once.logTail(20)).isZero();
        }
        assertThat(dir.resolve("archive").resolve("good.txt")).exists();
        Files.writeString(dir.resolve("inbox").resolve("mixed.txt"), "a fox\na refused fox [sandbox:refuse]\n");
        try (SeparateJvm once = SeparateJvm.start(dir, Application.class.getName(), List.of("-Xmx256m"),
                keyless("promptrelay.sandbox.task-millis", "300"), List.of("--once"))) {
            assertThat(once.exitCode(Duration.ofSeconds(60))).as(once.logTail(20)).isEqualTo(1);
        }
        assertThat(dir.resolve("failed").resolve("mixed.txt.error.json")).exists();
    }

    private static Map<String, String> live(SandboxServer provider, String... pairs) {
        Map<String, String> settings = keyless("promptrelay.modelscope.api-key", TestKeys.MODELSCOPE,
                "promptrelay.modelscope.base-url", provider.baseUrl());
        settings.putAll(SeparateJvm.settings(pairs));
        return settings;
    }
}
