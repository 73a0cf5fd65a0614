package dev.promptrelay.provider;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads how long a provider asked us to wait: {@code Retry-After} in seconds or as an HTTP date, or
 * {@code X-RateLimit-Reset} in Unix seconds.
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    /** The wait the answer asks for, or null when it names none. */
    public static Duration of(HttpAnswer answer, Instant now) {
        return of(answer.header("Retry-After"), answer.header("X-RateLimit-Reset"), now);
    }

    /** The wait these header values ask for, or null when they name none. */
    public static Duration of(String retryAfter, String reset, Instant now) {
        if (retryAfter != null && !retryAfter.isBlank()) {
            String value = retryAfter.strip();
            try {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
            } catch (NumberFormatException notSeconds) {
                try {
                    Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    return positive(Duration.between(now, at));
                } catch (DateTimeParseException notDate) {
                    return null;
                }
            }
        }
        if (reset != null && reset.strip().matches("\\d+")) {
            return positive(Duration.between(now, Instant.ofEpochSecond(Long.parseLong(reset.strip()))));
        }
        return null;
    }

    private static Duration positive(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
