package dev.example.host;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.camel.ConsumerTemplate;
import org.apache.camel.EndpointInject;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * promptrelay's action Kamelet in a Pipe between Camel's own sftp-source Kamelet and a sink: a prompt file put on a
 * real SFTP server (Apache MINA SSHD, started here) comes out as an outcome with its images written.
 */
@CamelMainTest(mainClass = HostApplication.class, properties = {
        "camel.main.routes-include-pattern=routes/*.yaml,file:target/pipe-test/*.yaml",
        "promptrelay.outbox=target/promptrelay-pipe/outbox", "promptrelay.archive=target/promptrelay-pipe/archive",
        "promptrelay.failed=target/promptrelay-pipe/failed", "promptrelay.state-dir=target/promptrelay-pipe/state",
        "promptrelay.modelscope.api-key=", "promptrelay.modellix.api-key=", "promptrelay.scenario.api-key=",
        "promptrelay.modelscope.scripts-config-file=", "promptrelay.sandbox.task-millis=300",
        // the Kamelet's password in the application's settings, out of the Pipe, as Camel lets one set a Kamelet's
        "camel.kamelet.sftp-source.password=pipe-pass"})
class PipeTest {

    private static SshServer sftp;
    private static Path root;

    @EndpointInject("seda:outcomes")
    ConsumerTemplate outcomes;

    @BeforeAll
    static void partnerServer() throws Exception {
        root = Files.createDirectories(Path.of("target", "partner-sftp").toAbsolutePath());
        Files.createDirectories(root.resolve("prompts"));
        sftp = SshServer.setUpDefaultServer();
        sftp.setHost("127.0.0.1");
        sftp.setPort(0);
        sftp.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(root.resolveSibling("partner-sftp.hostkey")));
        sftp.setPasswordAuthenticator((user, password, session) -> "partner".equals(user) && "pipe-pass".equals(password));
        sftp.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        sftp.setFileSystemFactory(new VirtualFileSystemFactory(root));
        sftp.start();
        // the Pipe as documented, at this server's port
        String pipe = new String(PipeTest.class.getResourceAsStream("/pipes/sftp-prompts-to-images.yaml").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        Path pipes = Files.createDirectories(Path.of("target", "pipe-test"));
        Files.writeString(pipes.resolve("sftp-prompts-to-images.yaml"),
                pipe.replace("connectionPort: \"2222\"", "connectionPort: \"" + sftp.getPort() + "\""));
    }

    @AfterAll
    static void stopServer() throws Exception {
        sftp.stop(true);
    }

    @Test
    void aPromptFileOnTheSftpServerComesOutOfThePipeAsImages() throws Exception {
        Files.writeString(root.resolve("prompts").resolve("poster.txt"), "a poster of a harbour at dawn");
        @SuppressWarnings("unchecked")
        Map<String, Object> outcome = outcomes.receiveBody("seda:outcomes", 90_000, Map.class);
        assertThat(outcome).as("an outcome within 90 s").isNotNull();
        assertThat(outcome.get("state")).as(outcome.toString()).isEqualTo("succeeded");
        @SuppressWarnings("unchecked")
        List<String> outputs = (List<String>) outcome.get("outputs");
        assertThat(outputs).hasSize(1);
        assertThat(Path.of(outputs.get(0))).exists();
        @SuppressWarnings("unchecked")
        Map<String, Object> job = ((List<Map<String, Object>>) outcome.get("jobs")).get(0);
        assertThat(job.get("prompt")).isEqualTo("a poster of a harbour at dawn");
        assertThat(root.resolve("prompts").resolve("poster.txt")).as("taken from the server").doesNotExist();
    }
}
