package dev.promptrelay.provider;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a model's first tasks are expected to take: from the settings, else from the provider's other models. */
class TypicalTaskDurationsTest {

    @Test
    void aModelsOwnFigureComesBeforeItsProvidersAndBothBeforeTheOtherModels() {
        TypicalTaskDurations typical = new TypicalTaskDurations(
                Map.of("modelscope", "30, Tongyi-MAI/Z-Image-Turbo=8", "modellix", ""),
                (provider, sandbox) -> sandbox ? Map.of() : Map.of("alibaba/qwen-image-plus", List.of(2000L, 2200L, 1800L),
                        "bytedance/seedream-4.5-t2i", List.of(8000L)));
        assertThat(typical.of("modelscope", "Tongyi-MAI/Z-Image-Turbo", false).medianMillis()).isEqualTo(8000);
        assertThat(typical.of("modelscope", "Wan-AI/Wan2.1", false).medianMillis()).isEqualTo(30_000);
        assertThat(typical.of("modelscope", "Wan-AI/Wan2.1", false).source())
                .isEqualTo("promptrelay.modelscope.typical-task-seconds");
        PollPlan.Prior others = typical.of("modellix", "kling/kling-v2.1-t2i", false);
        assertThat(others.medianMillis()).as("between the two other models' medians, 2 s and 8 s")
                .isCloseTo(4000, org.assertj.core.data.Offset.offset(1.0));
        assertThat(others.spread()).as("as unsure as the two differ: ln 4 / sqrt 2").isCloseTo(Math.log(4) / Math.sqrt(2),
                org.assertj.core.data.Offset.offset(1e-9));
        // a model with ends of its own does not count among the others
        assertThat(typical.of("modellix", "bytedance/seedream-4.5-t2i", false).medianMillis())
                .isCloseTo(2000, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(typical.of("modellix", "bytedance/seedream-4.5-t2i", false).spread())
                .isEqualTo(TypicalTaskDurations.OTHER_MODELS_SPREAD);
        // the sandbox's placeholder tasks are planned on the sandbox's own, never on what is said of the provider
        assertThat(typical.of("modelscope", "Tongyi-MAI/Z-Image-Turbo", true)).isNull();
    }

    @Test
    void nothingKnownIsNothingAssumedUntilAnotherModelsTaskEnds() {
        java.util.Map<String, List<Long>> journal = new java.util.HashMap<>();
        TypicalTaskDurations typical = new TypicalTaskDurations(Map.of("scenario", " "), (provider, sandbox) -> Map.copyOf(journal));
        assertThat(typical.of("scenario", "model_imagen4-ultra", false)).isNull();
        journal.put("flux.1-dev", List.of(6000L));
        assertThat(typical.of("scenario", "model_imagen4-ultra", false).medianMillis()).as("not an empty answer kept")
                .isCloseTo(6000, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void aFigureWrittenWronglyIsRefusedNamingTheSettingAndHowToWriteIt() {
        for (String wrong : List.of("20s", "=8", "Tongyi-MAI/Z-Image-Turbo=fast", "0", "20, 30", "-5")) {
            assertThatThrownBy(() -> new TypicalTaskDurations(Map.of("modelscope", wrong), (provider, sandbox) -> Map.of()))
                    .as(wrong).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("promptrelay.modelscope.typical-task-seconds = " + wrong + ": ");
        }
        assertThat(new TypicalTaskDurations(Map.of("modelscope", " 12.5 , a/b.c=3 "), (provider, sandbox) -> Map.of())
                .of("modelscope", "a/b.c", false).medianMillis()).isEqualTo(3000);
    }
}
