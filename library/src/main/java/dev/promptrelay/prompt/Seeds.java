package dev.promptrelay.prompt;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The seed promptrelay chooses for a job that names none: drawn once, before the job is journaled, so the image's
 * seed is the one in its sidecar, the API and the gallery, and the prompt can be run again to the same picture.
 */
public final class Seeds {

    /** The largest seed every provider takes (ModelScope: 0 to 2^31-1). */
    static final long MAX = Integer.MAX_VALUE;

    private Seeds() {
    }

    /** A seed from which {@code count} images take seed, seed+1, ... without passing {@link #MAX}. */
    public static long draw(Integer count) {
        int images = count == null ? 1 : Math.max(1, count);
        return ThreadLocalRandom.current().nextLong(0, MAX - images + 2);
    }
}
