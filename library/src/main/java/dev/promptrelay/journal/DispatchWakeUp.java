package dev.promptrelay.journal;

import org.apache.camel.ProducerTemplate;

/**
 * Wakes the dispatch route with a message of its own. Sending the caller's exchange instead would hand its
 * properties to the dispatch route and on to the jobs it claims, among them Camel's record of the error handler the
 * caller is in: a job claimed while another job's failure was being handled would then find its own failure taken
 * for a circular one and left unhandled.
 */
public class DispatchWakeUp {

    static final String URI = "seda:dispatch?size=1&discardWhenFull=true";

    private final ProducerTemplate producer;

    public DispatchWakeUp(ProducerTemplate producer) {
        this.producer = producer;
    }

    public void wake() {
        producer.sendBody(URI, null);
    }
}
