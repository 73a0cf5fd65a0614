package dev.promptrelay.observe;

import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A check of promptrelay's own, in the group {@code promptrelay}: listed before Camel's checks of its context and
 * routes, which say less about whether jobs can move.
 */
abstract class PromptRelayHealthCheck extends AbstractHealthCheck {

    PromptRelayHealthCheck(String id) {
        super("promptrelay", id);
    }

    @Override
    public int getOrder() {
        return HIGHEST;
    }
}
