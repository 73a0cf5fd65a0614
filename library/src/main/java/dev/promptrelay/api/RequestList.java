package dev.promptrelay.api;

import java.util.List;

/** GET /api/jobs: recent requests, newest first. */
public record RequestList(List<RequestReport> jobs) {
}
