package dev.promptrelay.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * GET /api/jobs: recent requests, newest first, and where the next page starts ({@code ?before=} that id), or null
 * when there is none: with a filter, a page may hold fewer than the limit and still not be the last.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RequestList(List<RequestReport> jobs, String nextBefore) {
}
