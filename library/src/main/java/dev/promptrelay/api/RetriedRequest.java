package dev.promptrelay.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * POST /api/jobs/{id}/retry: the request as it now stands, how many of its jobs were queued again, and what the caller
 * should know (jobs left because running them again would pay twice, or jobs that will be paid a second time).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RetriedRequest(@JsonUnwrapped RequestReport request, int requeued, String whatToKnow) {
}
