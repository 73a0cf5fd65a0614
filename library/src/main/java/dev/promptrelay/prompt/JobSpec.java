package dev.promptrelay.prompt;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One generation job as the user asked for it, in the field vocabulary shared by every prompt file format.
 * Fields left null are not sent, so the provider's own default applies. {@code keptImage} is not the user's: it names
 * the copy of a local {@code image} kept in the state directory.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobSpec(
        String prompt,
        String negativePrompt,
        String provider,
        String model,
        String type,
        Integer width,
        Integer height,
        String aspectRatio,
        Long seed,
        Integer steps,
        Double guidance,
        Integer count,
        Object loras,
        String image,
        String name,
        Map<String, Object> extra,
        Integer line,
        String keptImage) {

    /** The kinds of generation a job may ask for, as the {@code type} field names them. */
    public static final List<String> TYPES = List.of("text-to-image", "image-to-image", "text-to-video",
            "image-to-video");

    public static JobSpec ofPrompt(String prompt, String provider, String model, int line) {
        return new JobSpec(prompt, null, provider, model, "text-to-image", null, null, null, null, null, null, 1,
                null, null, null, null, line, null);
    }

    public JobSpec withCount(int newCount) {
        return new JobSpec(prompt, negativePrompt, provider, model, type, width, height, aspectRatio, seed, steps,
                guidance, newCount, loras, image, name, extra, line, keptImage);
    }

    public JobSpec withSeed(Long newSeed) {
        return new JobSpec(prompt, negativePrompt, provider, model, type, width, height, aspectRatio, newSeed, steps,
                guidance, count, loras, image, name, extra, line, keptImage);
    }

    /** The job with its local input picture kept under this name in the state directory. */
    public JobSpec withKeptImage(String kept) {
        return new JobSpec(prompt, negativePrompt, provider, model, type, width, height, aspectRatio, seed, steps,
                guidance, count, loras, image, name, extra, line, kept);
    }

    /** The job with the picture as the provider receives it (a data URI where it was kept locally). */
    public JobSpec withImage(String sent) {
        return new JobSpec(prompt, negativePrompt, provider, model, type, width, height, aspectRatio, seed, steps,
                guidance, count, loras, sent, name, extra, line, keptImage);
    }

    public boolean wantsVideo() {
        return type != null && type.endsWith("-video");
    }

    /** {@code 1024x768}, or null when no size was asked for. */
    public String size() {
        return width == null || height == null ? null : width + "x" + height;
    }
}
