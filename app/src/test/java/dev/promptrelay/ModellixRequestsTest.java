package dev.promptrelay;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptrelay.journal.Job;
import dev.promptrelay.journal.JobState;
import dev.promptrelay.prompt.JobSpec;
import dev.promptrelay.provider.ModellixMapping;
import dev.promptrelay.provider.ProviderCall;
import dev.promptrelay.provider.ProviderSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Modellix submit: each of the three path forms the API has had, and each vendor's size format.
 */
class ModellixRequestsTest {

    static final ProviderSettings SETTINGS = new ProviderSettings("modellix", "https://api.modellix.ai/api/v1/", "k", "",
            "alibaba/qwen-image-plus", false, 3);

    static Job job(String model, String type, Integer width, Integer height, String aspectRatio) {
        JobSpec spec = new JobSpec("a lantern", null, "modellix", model, type, width, height, aspectRatio, 42L, null,
                null, 1, null, null, null, null, 1, null);
        return new Job("id", "file", "f.json", 1, 1, "modellix", model, spec, JobState.DISPATCHED, null, Instant.now(),
                null, null, false, null, 0);
    }

    @Test
    void everySubmitPathForm() {
        Job job = job("bytedance/seedream-4.5-t2i", "text-to-image", null, null, null);
        assertThat(new ModellixMapping(SETTINGS, "/{provider}/{model_id}").submitCall(job).url())
                .isEqualTo("https://api.modellix.ai/api/v1/bytedance/seedream-4.5-t2i");
        assertThat(new ModellixMapping(SETTINGS, "/{provider}/{model_id}/async").submitCall(job).url())
                .isEqualTo("https://api.modellix.ai/api/v1/bytedance/seedream-4.5-t2i/async");
        assertThat(new ModellixMapping(SETTINGS, "/{type}/{provider}/{model_id}/async").submitCall(job).url())
                .isEqualTo("https://api.modellix.ai/api/v1/text-to-image/bytedance/seedream-4.5-t2i/async");
        assertThatThrownBy(() -> new ModellixMapping(SETTINGS, "/v2/{model_id}"))
                .hasMessageContaining("promptrelay.modellix.submit-path").hasMessageContaining("/{provider}/{model_id}");
    }

    @Test
    void eachVendorGetsItsOwnSizeFormat() throws Exception {
        ModellixMapping mapping = new ModellixMapping(SETTINGS, "/{provider}/{model_id}");
        assertThat(body(mapping.submitCall(job("alibaba/qwen-image-plus", "text-to-image", 1328, 1328, null)))
                .path("size").asText()).isEqualTo("1328*1328");
        assertThat(body(mapping.submitCall(job("bytedance/seedream-4.5-t2i", "text-to-image", 2048, 2048, null)))
                .path("size").asText()).isEqualTo("2048x2048");
        JsonNode kling = body(mapping.submitCall(job("kling/kling-v2.1-t2i", "text-to-image", 1920, 1080, null)));
        assertThat(kling.has("size")).isFalse();
        assertThat(kling.path("aspect_ratio").asText()).isEqualTo("16:9");
        assertThat(kling.path("resolution").asText()).isEqualTo("2k");
        JsonNode call = body(mapping.submitCall(job("alibaba/qwen-image-plus", "text-to-image", null, null, null)));
        assertThat(call.path("prompt").asText()).isEqualTo("a lantern");
        assertThat(call.path("seed").asLong()).isEqualTo(42);
        assertThat(call.has("size")).as("the provider's default size when none is asked for").isFalse();
    }

    static JsonNode body(ProviderCall call) throws Exception {
        assertThat(call.headers().get("Authorization")).isEqualTo("Bearer k");
        return TestFolders.JSON.readTree(call.body());
    }
}
