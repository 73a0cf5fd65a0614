package dev.promptrelay.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.promptrelay.journal.Job;

/**
 * DELETE /api/jobs/{id}: the request as it now stands, which jobs will never be submitted, which tasks were already
 * running at the provider (no longer polled), what each provider that can stop a task said when asked to, and how
 * many submits were on their way (the provider may take them; they are not polled either).
 *
 * @param stoppedAtProvider one line per running task its provider was asked to stop, added as the answers come
 * @param toStop            the running jobs whose provider has a call to stop a task
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CancelledRequest(@JsonUnwrapped RequestReport request, int cancelledBeforeSubmit,
                               List<String> noLongerPolled, int cancelledWhileSubmitting, String whatToKnow,
                               @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> stoppedAtProvider,
                               @JsonIgnore List<Job> toStop) {
}
