package dev.promptrelay.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** POST /api/jobs/{id}/retry: the request as it now stands, and how many of its jobs were queued again. */
public record RetriedRequest(@JsonUnwrapped RequestReport request, int requeued) {
}
