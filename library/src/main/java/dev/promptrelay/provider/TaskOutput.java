package dev.promptrelay.provider;

/**
 * One result of a finished task: where to fetch it and what it is.
 *
 * @param url       the download URL, or null where it must be resolved first (an asset id)
 * @param reference the provider's id for the output, when it has one
 * @param kind      {@code image} or {@code video}
 * @param extension file extension without the dot
 */
public record TaskOutput(int index, String url, String reference, String kind, String extension) {
}
