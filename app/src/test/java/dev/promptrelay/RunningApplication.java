package dev.promptrelay;

import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;

/**
 * The real application in the test's JVM, started by Camel's test harness as Camel Main starts it (promptrelay's
 * package scanned, its application.properties), with the test's settings as the harness's override properties: the
 * folders and ports of one run are only known when it starts, and nothing is set JVM-wide.
 */
abstract class RunningApplication extends CamelMainTestSupport {

    // handed to the harness from its constructor (before this class's fields are set), filled when the app starts
    private Properties overrides;

    /** The settings of the application under test, over promptrelay's defaults. */
    protected abstract Map<String, String> settings();

    /**
     * Routes to advise before the application starts, by route id: a route-level test replaces what is at its edge
     * (the wire to a provider, say) and leaves the rest of the routes as they run.
     */
    protected Map<String, Class<? extends AdviceWithRouteBuilder>> advices() {
        return Map.of();
    }

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withUseAdviceWith(!advices().isEmpty());
    }

    @BeforeEach
    void adviseAndStart() throws Exception {
        if (advices().isEmpty()) {
            return;
        }
        for (Map.Entry<String, Class<? extends AdviceWithRouteBuilder>> advice : advices().entrySet()) {
            AdviceWithRouteBuilder builder = advice.getValue().getDeclaredConstructor().newInstance();
            AdviceWith.adviceWith(advice.getKey(), context, builder);
        }
        context.start();
    }

    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        overrides = new Properties();
        configuration.withUseOverridePropertiesWithPropertiesComponent(overrides);
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        // as @CamelMainTest does by default: no JMX beans for a test's routes
        configuration.setJmxEnabled(false);
    }

    @Override
    protected Class<?> getMainClass() {
        return Application.class;
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "classpath:" + PromptRelaySettings.DEFAULTS;
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        overrides.clear();
        overrides.putAll(settings());
        return super.createCamelContext();
    }
}
