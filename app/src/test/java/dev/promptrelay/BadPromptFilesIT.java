package dev.promptrelay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A table of bad prompt files (input pictures reached through links to elsewhere among them): each lands in failed/ with a message naming what is wrong (and where), nothing reaches
 * the provider, nothing is written outside the outbox, and a good file dropped after them is still processed.
 */
class BadPromptFilesIT extends RunningApplication {

    static TestFolders folders;

    @BeforeAll
    static void folders() throws IOException {
        folders = TestFolders.create("bad");
    }


    /** file name, then what its error must say; the field and line where the mistake has one. */
    record Bad(byte[] content, String error, String field, Integer line) {
        static Bad of(String content, String error, String field, Integer line) {
            return new Bad(content.getBytes(java.nio.charset.StandardCharsets.UTF_8), error, field, line);
        }
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void eachBadFileIsRejectedWithItsOwnReasonAndNothingIsPaidFor() throws Exception {
        Path images = Files.createDirectories(folders.inbox.resolve("images"));
        Files.write(images.resolve("huge.png"), new byte[11 * 1024 * 1024]);
        // pictures elsewhere on the machine, reached through links from inside the inbox
        Path outside = Files.createDirectories(folders.root.resolve("outside"));
        byte[] png = dev.promptrelay.sandbox.PlaceholderImage.png("private", 1, 32, 32, "test");
        Files.write(outside.resolve("private.png"), png);
        Files.createSymbolicLink(images.resolve("leak.png"), outside.resolve("private.png"));
        Files.createSymbolicLink(images.resolve("linked"), outside);
        Files.writeString(images.resolve("fake.png"), "not a picture at all");
        Files.write(images.resolve("good.png"), png);
        byte[] thirtyMegabytes = new byte[30 * 1024 * 1024];
        java.util.Arrays.fill(thirtyMegabytes, (byte) 'a');
        Map<String, Bad> table = new LinkedHashMap<>();
        table.put("empty.txt", Bad.of("", "the file holds no prompt", null, null));
        table.put("garbage.txt", new Bad(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xff}, "the file is not UTF-8 text", null, null));
        table.put("huge.txt", new Bad(thirtyMegabytes, "more than the limit of 1048576 bytes", null, null));
        table.put("broken.json", Bad.of("{\"prompt\": \"a fox\",\n \"seed\": 4,,\n}", "the JSON is not valid", null, 2));
        table.put("broken.yaml", Bad.of("prompt: a fox\nseed: [1, 2\n", "the YAML is not valid", null, null));
        table.put("noprompt.json", Bad.of("{\"seed\": 4}", "the job has no prompt", "prompt", 1));
        table.put("gif.yaml", Bad.of("prompt: a fox\ntype: text-to-gif\n", "unknown type 'text-to-gif'", "type", 2));
        table.put("count.txt", Bad.of("a fox\na hare --count 0\n", "count 0 is out of range", "count", 2));
        table.put("toomany.jsonl", Bad.of("{\"prompt\": \"a fox\", \"count\": 5000}\n", "count 5000 is out of range", "count", 1));
        table.put("flux.json", Bad.of("{\"prompt\": \"a fox\",\n \"model\": \"black-forest-labs/FLUX.1-Krea-dev\",\n \"size\": \"2048x2048\"}",
                "cannot make 2048x2048", "size", 3));
        table.put("provider.yaml", Bad.of("prompt: a fox\nprovider: midjourney\n", "unknown provider 'midjourney'", "provider", 2));
        table.put("noimage.json", Bad.of("{\"prompt\": \"a fox\", \"type\": \"image-to-image\",\n \"image\": \"images/missing.png\"}",
                "does not exist", "image", 2));
        table.put("bigimage.json", Bad.of("{\"prompt\": \"a fox\", \"type\": \"image-to-image\", \"image\": \"images/huge.png\"}",
                "more than the limit", "image", 1));
        table.put("leak.json", Bad.of("{\"prompt\": \"a fox\", \"type\": \"image-to-image\", \"image\": \"images/leak.png\"}",
                "symbolic link to a file outside", "image", 1));
        table.put("linkeddir.json", Bad.of("{\"prompt\": \"a fox\", \"type\": \"image-to-image\",\n \"image\": \"images/linked/private.png\"}",
                "symbolic link to a file outside", "image", 2));
        table.put("fake.json", Bad.of("{\"prompt\": \"a fox\", \"type\": \"image-to-image\", \"image\": \"images/fake.png\"}",
                "not a PNG, JPEG or WebP picture by its content", "image", 1));
        // a good picture in a file rejected for another job's mistake is not copied either
        table.put("mixed.jsonl", Bad.of("{\"prompt\": \"a fox\", \"type\": \"image-to-image\", \"image\": \"images/good.png\"}\n"
                                        + "{\"prompt\": \"a hare\", \"sise\": 3}\n", "unknown field 'sise'", "sise", 2));
        table.put("escape.json", Bad.of("{\"prompt\": \"a fox\", \"name\": \"../../x\"}", "could place files outside the outbox", "name", 1));
        table.put("option.txt", Bad.of("a fox --sed 4\n", "unknown field 'sed'", "sed", 1));
        // an unquoted value of several words, and prompt words after the options
        table.put("unquoted.txt", Bad.of("a fox\na fox --seed 4 --negative_prompt unquoted words here\n",
                "the words 'words here' follow the value of --negative_prompt (unquoted)", "negative_prompt", 2));
        table.put("afterwards.txt", Bad.of("a fox --seed 4 in the snow\n",
                "the words 'in the snow' follow the value of --seed (4)", "seed", 1));
        table.put("frontmatter.md", Bad.of("---\nseed: 4\na fox\n", "no closing ---", null, 1));
        table.put("notes.docx", Bad.of("PK", "unsupported file type '.docx'", null, null));
        table.put("bigseed.txt", Bad.of("a fox\na hare --seed 99999999999999999999999\n",
                "seed 99999999999999999999999 is far out of range", "seed", 2));
        table.put("bigseed.json", Bad.of("{\"prompt\": \"a fox\",\n \"seed\": 99999999999999999999999}",
                "seed 99999999999999999999999 is far out of range", "seed", 2));
        table.put("binary.yaml", Bad.of("seed: 4\nprompt: !!binary aGVsbG8=\n", "prompt must be text, not binary data", "prompt", 2));
        table.put("nul.json", Bad.of("{\"prompt\": \"a fox\\u0000 in the snow\"}", "control character U+0000", "prompt", 1));
        table.put("bell.jsonl", Bad.of("{\"prompt\": \"a fox\"}\n{\"prompt\": \"a hare\", \"negative_prompt\": \"blur\\u0007\"}\n",
                "control character U+0007", "negative_prompt", 2));
        for (Map.Entry<String, Bad> bad : table.entrySet()) {
            folders.drop(bad.getKey(), bad.getValue().content());
        }
        folders.drop("good.txt", "a good fox\n");

        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(folders.archive.resolve("good.txt"))
                && table.keySet().stream().allMatch(f -> Files.exists(folders.failed.resolve(f + ".error.json"))));

        for (Map.Entry<String, Bad> bad : table.entrySet()) {
            String file = bad.getKey();
            JsonNode error = folders.json(folders.failed.resolve(file + ".error.json"));
            assertThat(error.path("error").asText()).as(file).contains(bad.getValue().error());
            assertThat(error.path("what_to_do").asText()).as(file).isNotBlank();
            assertThat(error.path("jobs_submitted").asInt()).as(file).isZero();
            if (bad.getValue().field() != null) {
                assertThat(error.path("field").asText()).as(file).isEqualTo(bad.getValue().field());
            }
            if (bad.getValue().line() != null) {
                assertThat(error.path("line").asInt()).as(file).isEqualTo(bad.getValue().line());
            }
            assertThat(folders.failed.resolve(file)).as(file + " is kept").exists();
        }
        assertThat(folders.json(folders.failed.resolve("unquoted.txt.error.json")).path("what_to_do").asText())
                .contains("--negative_prompt \"unquoted words here\"");
        assertThat(folders.stats().get("submits")).as("only the good file was paid for").isEqualTo(1);
        assertThat(folders.outbox.resolve("good").resolve("001-1.png")).exists();
        try (Stream<Path> all = Files.walk(folders.root)) {
            assertThat(all.filter(p -> p.getFileName().toString().equals("x") || p.toString().endsWith("x-1.png")))
                    .as("nothing written outside the outbox").isEmpty();
        }
        assertThat(folders.files(folders.inbox, "*.*")).as("the inbox is empty again").isEmpty();
        assertThat(folders.files(folders.root.resolve("state").resolve("input-images"), "*"))
                .as("no picture of a rejected file was copied").isEmpty();
    }
}
