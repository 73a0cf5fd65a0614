package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.spi.InterceptStrategy;

/**
 * For tests that kill the application at one step of a route. Found by Camel Main's scan of the test class path, it
 * does nothing unless {@code -Dpause.at=<step id>} is given: then the first exchange that reaches that step stops
 * before the step runs, and says so in a file {@code paused-at-<step>} of the working directory; the test kills the
 * process there with {@code kill -9}. Test code only: the application has no such hook.
 */
@Configuration
public class PauseAtStep implements CamelConfiguration, InterceptStrategy {

    @Override
    public void configure(CamelContext context) {
        if (System.getProperty("pause.at") != null) {
            context.getCamelContextExtension().addInterceptStrategy(this);
        }
    }

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
                                                 Processor nextTarget) {
        String at = System.getProperty("pause.at");
        if (at == null || !at.equals(definition.getId())) {
            return target;
        }
        return exchange -> {
            Files.writeString(Path.of("paused-at-" + at), exchange.getExchangeId());
            Thread.sleep(Long.MAX_VALUE);
        };
    }
}
