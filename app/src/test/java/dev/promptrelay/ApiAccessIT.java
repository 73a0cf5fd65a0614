package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.promptrelay.api.ApiAccess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API without a token is for this machine only: an address counts as this machine by what it resolves to, and a
 * request must name the server in its Host header (a page elsewhere reaching it through a DNS name of its own is
 * refused).
 */
class ApiAccessIT extends RunningApplication {

    static TestFolders folders;
    static int port;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("api-access");
        port = TestFolders.freePort();
        folders.set("camel.server.enabled", "true");
        folders.set("camel.server.port", String.valueOf(port));
        folders.set("promptrelay.api.token", "");
    }


    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void requestsMustNameThisServer() throws Exception {
        long submitsBefore = folders.stats().get("submits");
        assertThat(request("GET", "/api/jobs", "127.0.0.1:" + port, null)).startsWith("HTTP/1.1 200");
        assertThat(request("GET", "/api/jobs", "localhost:" + port, null)).startsWith("HTTP/1.1 200");
        String rebound = request("GET", "/api/jobs", "attacker.example:" + port, null);
        assertThat(rebound).startsWith("HTTP/1.1 403").contains("Host header").contains("promptrelay.api.allowed-hosts");
        assertThat(request("POST", "/api/jobs", "attacker.example", "{\"prompt\": \"a fox\"}"))
                .startsWith("HTTP/1.1 403");
        assertThat(folders.stats().get("submits")).as("nothing submitted").isEqualTo(submitsBefore);
    }

    @Test
    void thisMachineIsWhatAnAddressResolvesTo() {
        assertThat(ApiAccess.loopbackOnly("127.0.0.1")).isTrue();
        assertThat(ApiAccess.loopbackOnly("localhost")).isTrue();
        assertThat(ApiAccess.loopbackOnly("::1")).isTrue();
        assertThat(ApiAccess.loopbackOnly("[::1]")).isTrue();
        assertThat(ApiAccess.loopbackOnly("0.0.0.0")).isFalse();
        assertThat(ApiAccess.loopbackOnly("127.corp.lan")).as("a name, whatever it starts with").isFalse();
    }

    @Test
    void aServerReachableBeyondThisMachineDoesNotStartWithoutAToken() throws Exception {
        Path dir = TestFolders.runDir("api-beyond");
        try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), SeparateJvm.settings(
                "camel.server.enabled", "true", "camel.server.host", "127.corp.lan",
                "camel.server.port", String.valueOf(TestFolders.freePort()), "promptrelay.api.token", "",
                "promptrelay.modelscope.api-key", "", "promptrelay.modelscope.scripts-config-file", "",
                "promptrelay.modellix.api-key", "", "promptrelay.scenario.api-key", ""))) {
            assertThat(app.exitCode(Duration.ofSeconds(60))).isNotZero();
            assertThat(app.logText()).contains("camel.server.host is 127.corp.lan").contains("promptrelay.api.token");
        }
    }

    /** A plain HTTP/1.1 request over a socket, with the Host header a browser would send for the page's origin. */
    private static String request(String method, String path, String host, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n"
                          + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + content.length + "\r\n")
                          + "\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(content);
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
