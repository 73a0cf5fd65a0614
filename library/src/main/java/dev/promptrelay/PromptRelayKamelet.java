package dev.promptrelay;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.service.ServiceSupport;

/**
 * What the Kamelet {@code promptrelay-generate-action} needs before its first message: promptrelay running in the
 * Camel application the Kamelet is used in. When the application has not brought promptrelay in itself (by settings
 * or {@link PromptRelay#embedIn}), this does, once, as the Kamelet's route starts (not while it is being made: that
 * is done with the Kamelet's own parameters in force). As a step of the Kamelet it passes the message on untouched.
 */
public class PromptRelayKamelet extends ServiceSupport implements Processor, CamelContextAware {

    private CamelContext camelContext;

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    protected void doStart() throws Exception {
        PromptRelay.ensureIn(camelContext);
    }

    @Override
    public void process(Exchange exchange) {
        // promptrelay runs by now: the message goes on as it is
    }
}
