package dev.promptrelay.provider;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code Retry-After} one job of a provider received holds off every job of that provider, not only the one that
 * got it. Camel's throttle counts requests but cannot be closed by an answer, so this stays ours. The routes ask for
 * the delay before each request, then check the provider is still open right before sending, since another job may
 * have been told to hold off meanwhile.
 */
public class ProviderPacing {

    private final Map<String, Long> blockedUntil = new HashMap<>();
    private final Clock clock;

    public ProviderPacing() {
        this(Clock.systemUTC());
    }

    public ProviderPacing(Clock clock) {
        this.clock = clock;
    }

    /** How long to wait before the next request to this provider: at least {@code ownMillis}, and past any hold-off. */
    public synchronized long delayMillis(String provider, long ownMillis) {
        long now = clock.millis();
        return Math.max(now + Math.max(0, ownMillis), blockedUntil.getOrDefault(provider, 0L)) - now;
    }

    /** False while the provider has asked every job to hold off. */
    public synchronized boolean isOpen(String provider) {
        return clock.millis() >= blockedUntil.getOrDefault(provider, 0L);
    }

    /** The provider answered 429 (or 503) with a wait: no job sends it anything before the wait has passed. */
    public synchronized void holdOff(String provider, Duration wait) {
        long until = clock.millis() + wait.toMillis();
        blockedUntil.merge(provider, until, Math::max);
    }

    /** Likewise, with the wait as the answer's headers give it ({@code Retry-After}, {@code X-RateLimit-Reset}); none: no hold-off. */
    public void holdOff(String provider, String retryAfter, String rateLimitReset) {
        Duration wait = RetryAfter.of(retryAfter, rateLimitReset, clock.instant());
        if (wait != null) {
            holdOff(provider, wait);
        }
    }
}
