package dev.promptrelay.provider;

import java.util.List;

/**
 * How long recent tasks of a provider and model took, as the journal remembers them across restarts.
 */
@FunctionalInterface
public interface TaskDurations {

    /** The number of recent tasks a plan is drawn from. */
    int SAMPLES = 50;

    /** The newest ends of this provider and model, newest first: the sandbox's, or the provider's own. */
    List<TaskEnd> recent(String provider, String model, boolean sandbox);
}
