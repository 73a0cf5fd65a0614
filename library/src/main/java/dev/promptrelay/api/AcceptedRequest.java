package dev.promptrelay.api;

/** The answer to a job posted to the API: its id to ask about it with, and how many jobs it holds. */
public record AcceptedRequest(String id, String name, int jobs, String state) {
}
