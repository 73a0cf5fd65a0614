package dev.promptrelay.journal;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Journal ids as UUIDs of version 7 (RFC 9562): the time first, so ids made later sort later, as text too. The jobs of
 * a file and the jobs under way at one time then sit side by side in the journal's tables and indexes, and a commit
 * rewrites a few pages for them instead of one page for each (random ids scatter them).
 */
final class TimeOrderedIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** The milliseconds and a 12-bit count within them, of the last id made: each id takes the next. */
    private static final AtomicLong LAST = new AtomicLong();

    private TimeOrderedIds() {
    }

    static String next() {
        long stamp = LAST.updateAndGet(last -> Math.max(last + 1, System.currentTimeMillis() << 12));
        long millis = stamp >>> 12;
        long high = (millis << 16) | 0x7000L | (stamp & 0xFFFL);
        long low = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
