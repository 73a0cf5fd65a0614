package dev.promptrelay.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What POST /api/jobs takes, as /api/openapi.json describes it: one job, or {@code defaults} with {@code jobs}, with
 * the fields of a prompt file (JobFields). Only a description: the posted bytes are kept as they came, as the request's
 * prompt file, and read by the prompt file reader, so its errors name the line and field as sent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PostedJob(String prompt, String negativePrompt, String provider, String model, String type, String size,
                        Integer width, Integer height, String aspectRatio, Long seed, Integer steps, Double guidance,
                        Integer count, Object loras, String image, String name,
                        Map<String, Object> extra, Map<String, Object> defaults, List<Map<String, Object>> jobs) {
}
