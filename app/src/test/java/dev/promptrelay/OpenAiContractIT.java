package dev.promptrelay;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptrelay.sandbox.PlaceholderImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.promptrelay.ScriptedProvider.json;
import static dev.promptrelay.ScriptedProvider.png;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenAI's images API, from the profile promptrelay ships (promptrelay/providers/openai.yaml, {@code kind: sync}):
 * the submit's answer is the result, pictures as {@code b64_json} (written as they came, nothing downloaded) or as
 * {@code url} (dall-e-3); an error in its {@code {"error": {"message"}}} form; a 429 waited out. Each answer is kept in
 * the state directory until its outputs are written, since it was paid for the moment it came.
 */
class OpenAiContractIT extends RunningApplication {

    static final String GENERATIONS = "/v1/images/generations";
    static final byte[] FIRST = PlaceholderImage.png("oa first", 1, 64, 64, "scripted");
    static final byte[] SECOND = PlaceholderImage.png("oa second", 2, 64, 64, "scripted");
    static final List<String> VARIANTS = List.of("oa-b64", "oa-url", "oa-policy", "oa-429");
    static TestFolders folders;
    static ScriptedProvider provider;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("openai-contract");
        provider = folders.scripted();
        folders.set("promptrelay.openai.base-url", provider.baseUrl());
        folders.set("promptrelay.openai.api-key", "sk-" + TestKeys.MARKER + "-openai");
        provider.script("oa-b64").on("POST", GENERATIONS, json(200, "{\"created\": 1765101600, \"data\": [{\"b64_json\": \""
                + Base64.getEncoder().encodeToString(FIRST) + "\"}, {\"b64_json\": \"" + Base64.getEncoder().encodeToString(SECOND)
                + "\"}], \"usage\": {\"total_tokens\": 100, \"input_tokens\": 50, \"output_tokens\": 50}}"));
        provider.script("oa-url").on("POST", GENERATIONS, json(200, "{\"created\": 1765101600, \"data\": [{\"url\": "
                        + "\"{base}/files/oa-url.png\", \"revised_prompt\": \"a paper lantern, glowing\"}]}"))
                .on("GET", "/files/oa-url.png", png("oa-url"));
        provider.script("oa-policy").on("POST", GENERATIONS, json(400, "{\"error\": {\"message\": \"Your request was "
                + "rejected as a result of our safety system.\", \"type\": \"image_generation_user_error\", \"param\": null, "
                + "\"code\": \"content_policy_violation\"}}"));
        provider.script("oa-429").on("POST", GENERATIONS,
                json(429, "{\"error\": {\"message\": \"Rate limit reached for images per minute.\", \"type\": \"requests\", "
                          + "\"code\": \"rate_limit_exceeded\"}}", "Retry-After", "1"),
                json(200, "{\"created\": 1765101600, \"data\": [{\"b64_json\": \"" + Base64.getEncoder().encodeToString(FIRST)
                          + "\"}]}"));
        folders.drop("oa-b64.json", "{\"provider\": \"openai\", \"prompt\": \"oa-b64: a paper lantern\", \"count\": 2, "
                                    + "\"size\": \"1024x1024\"}");
        folders.drop("oa-url.json", "{\"provider\": \"openai\", \"model\": \"dall-e-3\", \"prompt\": \"oa-url: a lantern\"}");
        for (String variant : List.of("oa-policy", "oa-429")) {
            folders.drop(variant + ".json", "{\"provider\": \"openai\", \"prompt\": \"" + variant + ": a paper lantern\"}");
        }
    }

    @AfterAll
    static void stop() {
        provider.close();
    }

    private static boolean samePicture(java.nio.file.Path written, byte[] sent) throws IOException {
        java.awt.image.BufferedImage a = javax.imageio.ImageIO.read(written.toFile());
        java.awt.image.BufferedImage b = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(sent));
        if (a == null || b == null || a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            return false;
        }
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void theAnswerIsTheResultAndIsWrittenAsItCame() throws Exception {
        VARIANTS.forEach(v -> folders.awaitDone(v + ".json"));

        assertThat(samePicture(folders.outbox.resolve("oa-b64").resolve("001-1.png"), FIRST))
                .as("the picture the answer carried (its prompt written into it, as into every PNG)").isTrue();
        assertThat(samePicture(folders.outbox.resolve("oa-b64").resolve("001-2.png"), SECOND)).isTrue();
        assertThat(folders.outbox.resolve("oa-url").resolve("001-1.png")).as("a url answer, downloaded").exists();
        assertThat(folders.outbox.resolve("oa-429").resolve("001-1.png")).exists();
        JsonNode failed = folders.failedJob("oa-policy.json");
        assertThat(failed.path("error").asText()).contains("rejected as a result of our safety system");

        for (String variant : VARIANTS) {
            assertThat(provider.count(variant, "POST", GENERATIONS)).as(variant + ": one submit, or one more after a 429")
                    .isEqualTo(variant.equals("oa-429") ? 2 : 1);
        }
        assertThat(provider.unscripted()).as("nothing asked after the answer: no poll, no download of inline pictures")
                .isEmpty();
        assertThat(provider.requestsOf("oa-b64")).hasSize(1);
        JsonNode body = TestFolders.JSON.readTree(provider.requestsOf("oa-b64").get(0).body());
        assertThat(body.path("n").asInt()).isEqualTo(2);
        assertThat(body.path("size").asText()).isEqualTo("1024x1024");
        assertThat(body.path("model").asText()).isEqualTo("gpt-image-1");
        try (var kept = Files.list(folders.root.resolve("state").resolve("answers"))) {
            assertThat(kept).as("each answer kept until its outputs were written, then let go").isEmpty();
        }
        assertThat(Files.readString(folders.outbox.resolve("oa-b64").resolve("001-1.png.json")))
                .as("the picture is not copied into its sidecar").doesNotContain(Base64.getEncoder().encodeToString(FIRST));
    }
}
