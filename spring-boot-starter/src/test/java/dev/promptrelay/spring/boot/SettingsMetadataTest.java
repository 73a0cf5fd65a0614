package dev.promptrelay.spring.boot;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptrelay.PromptRelaySettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metadata IDEs complete promptrelay.* from: every setting promptrelay reads, described, with its default.
 */
class SettingsMetadataTest {

    @Test
    void everySettingIsDescribedWithItsDefault() throws Exception {
        Map<String, JsonNode> described = new HashMap<>();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("the starter's metadata").isNotNull();
            new ObjectMapper().readTree(in).get("properties").forEach(p -> described.put(p.get("name").asText(), p));
        }
        PromptRelaySettings.defaults().stringPropertyNames().stream().filter(k -> k.startsWith("promptrelay.")).forEach(key -> {
            assertThat(described).as(key).containsKey(key);
            assertThat(described.get(key).path("description").asText()).as(key + "'s description").isNotBlank();
        });
        assertThat(described.get("promptrelay.outbox").get("defaultValue").asText()).isEqualTo("outbox");
        assertThat(described.get("promptrelay.inbox.enabled").get("defaultValue").asBoolean()).isFalse();
        assertThat(described.get("promptrelay.sandbox.task-millis").get("type").asText()).isEqualTo("java.lang.Long");
    }

    @Test
    void camelPlaceholdersInTheDefaultsBecomeSpringOnes() {
        assertThat(PromptRelayDefaults.springPlaceholders("{{env:MODELSCOPE_API_KEY:}}")).isEqualTo("${MODELSCOPE_API_KEY:}");
        assertThat(PromptRelayDefaults.springPlaceholders("{{sys:user.home}}/.modelscope-image-gen/x.md"))
                .isEqualTo("${user.home}/.modelscope-image-gen/x.md");
        assertThat(PromptRelayDefaults.springPlaceholders("plain")).isEqualTo("plain");
    }
}
