package dev.promptrelay.provider;

/**
 * What a task cost, in the unit its provider counts in ({@code credits}, {@code seconds} of compute, {@code USD}):
 * never converted, since only the provider knows its rates.
 */
public record TaskCost(double amount, String unit) {
}
