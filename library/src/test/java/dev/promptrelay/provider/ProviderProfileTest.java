package dev.promptrelay.provider;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A profile is checked whole when it is read: each mistake a user can make stops the start naming the file, the line
 * and what to write, and every profile promptrelay ships passes.
 */
class ProviderProfileTest {

    static final String GOOD = """
            name: Acme
            base-url: https://api.acme.test
            auth:
              key-env: ACME_KEY
              headers:
                X-Api-Key: "{key}"
            submit:
              path: /v1/generate
              body:
                prompt: "{prompt}"
                seed: "{seed}"
              task-id: $.job_id
            poll:
              path: /v1/jobs/{task_id}
            status:
              path: $.state
              succeeded: [done]
              failed: [broken]
            outputs:
              path: $.files[*].href
            """;

    @ParameterizedTest
    @ValueSource(strings = {"replicate", "fal", "bfl", "openai"})
    void everyShippedProfileReads(String id) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/promptrelay/providers/" + id + ".yaml")) {
            ProviderProfile profile = ProviderProfile.read(id, id + ".yaml", new String(in.readAllBytes(),
                    StandardCharsets.UTF_8), name -> null);
            assertThat(profile.id()).isEqualTo(id);
            assertThat(profile.model()).isNotBlank();
            assertThat(profile.keyEnv()).isNotBlank();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a bad JSONPath           | 'task-id: $.job_id'      | 'task-id: $.[job'          | 12 | not a valid JSONPath
            a path not from the root | 'path: $.state'          | 'path: state'              | 16 | write it from the answer's root
            an unclosed bracket      | 'path: $.state'          | 'path: $.state['           | 16 | its brackets do not pair up
            an unknown key           | 'poll:'                  | 'pol:'                     | 13 | 'pol' is not a key a profile knows here
            an unknown value         | 'seed: "{seed}"'         | 'seed: "{sead}"'           | 11 | {sead} is not a value promptrelay fills in
            a variable not set       | 'X-Api-Key: "{key}"'     | 'X-Api-Key: "{env:NOPE}"'  | 6  | the environment variable NOPE is not set
            no success word          | 'succeeded: [done]'      | 'running: [done]'          | 15 | which status word means the task succeeded
            a path without a slash   | 'path: /v1/generate'     | 'path: v1/generate'        | 8  | does not start with /
            a method that is no HTTP | 'path: /v1/generate'     | 'path: /v1/generate\\n  method: FETCH' | 9 | not an HTTP method
            a task id in the submit  | 'path: /v1/generate'     | 'path: /v1/generate/{task_id}' | 8 | not known before the submit's answer
            YAML that is not YAML    | 'failed: [broken]'       | 'failed: [broken'          | 19 | the YAML is not valid
            a key given twice        | 'failed: [broken]'       | 'failed: [broken]\\n  failed: [x]' | 19 | is given twice
            a typical duration not in seconds | 'name: Acme'      | 'name: Acme\\ntypical-task-seconds: 20s' | 2 | '20s' is not a number of seconds
            """)
    void aMistakeNamesItsFileLineAndWhatToWrite(String what, String from, String to, int line, String says) {
        String text = GOOD.replace(from, to.replace("\\n", "\n"));
        assertThat(text).as(what).isNotEqualTo(GOOD);
        assertThatThrownBy(() -> ProviderProfile.read("acme", "providers/acme.yaml", text, Map.of("ACME_KEY", "k")::get))
                .as(what).isInstanceOfSatisfying(ProviderProfileException.class, e -> {
                    assertThat(e.file()).isEqualTo("providers/acme.yaml");
                    assertThat(e.line()).as(what + ": " + e.getMessage()).isEqualTo(line);
                    assertThat(e.getMessage()).contains("providers/acme.yaml line " + line).contains(says);
                    assertThat(e.fix()).isNotBlank();
                });
    }

    @Test
    void aProfileMaySayHowLongItsTasksUsuallyTake() {
        ProviderProfile profile = ProviderProfile.read("acme", "providers/acme.yaml",
                GOOD.replace("name: Acme", "name: Acme\ntypical-task-seconds: \"20, acme-video=300\""),
                Map.of("ACME_KEY", "k")::get);
        assertThat(profile.typicalTaskSeconds()).isEqualTo("20, acme-video=300");
        assertThat(ProviderProfile.read("acme", "providers/acme.yaml", GOOD, Map.of("ACME_KEY", "k")::get)
                .typicalTaskSeconds()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Acme", "acme_images", "a.b", ""})
    void anIdThatCannotNameSettingsIsRefused(String id) {
        assertThatThrownBy(() -> ProviderProfile.read(id, "providers/" + id + ".yaml", GOOD, name -> null))
                .isInstanceOf(ProviderProfileException.class).hasMessageContaining("cannot be a provider id");
    }
}
