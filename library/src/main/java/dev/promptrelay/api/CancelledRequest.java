package dev.promptrelay.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * DELETE /api/jobs/{id}: the request as it now stands, which jobs will never be submitted, which tasks were already
 * running at the provider (no longer polled, but possibly finished and charged there), and how many submits were on
 * their way (the provider may take them; they are not polled either).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CancelledRequest(@JsonUnwrapped RequestReport request, int cancelledBeforeSubmit,
                               List<String> noLongerPolled, int cancelledWhileSubmitting, String whatToKnow) {
}
