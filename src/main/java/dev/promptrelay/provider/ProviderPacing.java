package dev.promptrelay.provider;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The pace of requests to each provider, shared by all its jobs: a {@code Retry-After} one job received holds off
 * every job of that provider, and {@code requests-per-minute} spaces requests out. The routes ask for the delay
 * before each request, then check the provider is still open right before sending, since another job may have been
 * told to hold off meanwhile.
 */
public class ProviderPacing {

    private final Map<String, Long> intervalMillis;
    private final Map<String, Long> blockedUntil = new HashMap<>();
    private final Map<String, Long> nextSlot = new HashMap<>();

    private final Clock clock;

    /** @param requestsPerMinute per provider id; 0 or absent means no cap */
    public ProviderPacing(Map<String, Integer> requestsPerMinute) {
        this(requestsPerMinute, Clock.systemUTC());
    }

    public ProviderPacing(Map<String, Integer> requestsPerMinute, Clock clock) {
        this.clock = clock;
        this.intervalMillis = new HashMap<>();
        requestsPerMinute.forEach((provider, rpm) -> {
            if (rpm != null && rpm > 0) {
                intervalMillis.put(provider, (long) Math.ceil(60_000.0 / rpm));
            }
        });
    }

    /** How long to wait before the next request to this provider, at least {@code ownMillis}; reserves its slot. */
    public synchronized long delayMillis(String provider, long ownMillis) {
        long now = clock.millis();
        long at = Math.max(now + Math.max(0, ownMillis), blockedUntil.getOrDefault(provider, 0L));
        Long interval = intervalMillis.get(provider);
        if (interval != null) {
            at = Math.max(at, nextSlot.getOrDefault(provider, 0L));
            nextSlot.put(provider, at + interval);
        }
        return at - now;
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
}
