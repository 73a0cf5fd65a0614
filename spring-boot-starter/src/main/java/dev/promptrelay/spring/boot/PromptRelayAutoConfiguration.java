package dev.promptrelay.spring.boot;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.promptrelay.PromptRelay;
import dev.promptrelay.PromptRelayClient;
import dev.promptrelay.PromptRelayConfiguration;
import dev.promptrelay.PromptRelaySettings;
import dev.promptrelay.SettingNames;
import dev.promptrelay.journal.JobJournal;
import dev.promptrelay.journal.PromptFileJournal;
import dev.promptrelay.provider.ProviderCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Brings promptrelay into the application's Camel context as the context is made, before it starts: promptrelay's
 * routes then start with the application's own, so {@code direct:promptrelay-generate} and the Kamelet
 * {@code promptrelay-generate-action} answer the application's first message. Its journal, providers, settings and
 * client are beans of the application; its meters go to the application's meter registry when it has one, its health
 * to Actuator when it has it. {@code promptrelay.enabled=false} brings nothing.
 */
@AutoConfiguration(after = CamelAutoConfiguration.class)
@ConditionalOnProperty(prefix = "promptrelay", name = "enabled", havingValue = "true", matchIfMissing = true)
public class PromptRelayAutoConfiguration {

    /** promptrelay in the application's Camel context: every other bean of promptrelay's comes from it. */
    @Bean
    public PromptRelayInCamel promptRelayInCamel(CamelContext camelContext, ObjectProvider<MeterRegistry> meterRegistry,
                                                 Environment environment) throws Exception {
        if (environment.getProperty("promptrelay.api.enabled", Boolean.class, false)) {
            // its REST routes need Camel Main's embedded server, which Camel Spring Boot does not start
            throw new IllegalStateException("promptrelay.api.enabled is true, but promptrelay's HTTP API and gallery run "
                                            + "on Camel Main's embedded server (the runnable jar), not in Spring Boot: "
                                            + "remove the setting and use the PromptRelayClient bean, "
                                            + "direct:promptrelay-generate or the Kamelet promptrelay-generate-action");
        }
        checkSettingNames(environment);
        declareEndpoints(environment, camelContext);
        MeterRegistry registry = meterRegistry.getIfAvailable();
        // the micrometer component would take a registry of its own when the application has several (Boot's
        // composite among them): promptrelay's meters go to the one the application injects
        if (registry != null && camelContext.getRegistry().lookupByName(MicrometerConstants.METRICS_REGISTRY_NAME) == null) {
            camelContext.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        }
        new PromptRelayConfiguration().configure(camelContext);
        return new PromptRelayInCamel(camelContext);
    }

    /**
     * A promptrelay.* key in the application's property sources that promptrelay does not read stops the start, naming
     * the closest one it does (Spring's relaxed names, promptrelay.stateDir for one, do not reach Camel).
     */
    private static void checkSettingNames(Environment environment) {
        Map<String, String> given = new LinkedHashMap<>();
        if (environment instanceof ConfigurableEnvironment configurable) {
            for (PropertySource<?> source : configurable.getPropertySources()) {
                if (source instanceof EnumerablePropertySource<?> names && !(source instanceof SystemEnvironmentPropertySource)
                    && !PromptRelayDefaults.SOURCE.equals(source.getName())) {
                    for (String name : names.getPropertyNames()) {
                        given.putIfAbsent(name, source.getName());
                    }
                }
            }
        }
        SettingNames.promptrelays().check(given);
    }

    /**
     * promptrelay finds its intakes and outlets by the names of their settings, which Camel cannot list from Spring's
     * Environment: each promptrelay.intake.* and promptrelay.outlet.* setting is handed to Camel by name.
     */
    private static void declareEndpoints(Environment environment, CamelContext camelContext) {
        if (environment instanceof ConfigurableEnvironment configurable) {
            for (PropertySource<?> source : configurable.getPropertySources()) {
                if (source instanceof EnumerablePropertySource<?> names) {
                    for (String name : names.getPropertyNames()) {
                        if ((name.startsWith("promptrelay.intake.") || name.startsWith("promptrelay.outlet."))
                            && environment.getProperty(name) != null) {
                            camelContext.getPropertiesComponent().addInitialProperty(name, environment.getProperty(name));
                        }
                    }
                }
            }
        }
    }

    @Bean
    public PromptRelayClient promptRelayClient(PromptRelayInCamel promptRelay) {
        return promptRelay.bean("promptrelayClient", PromptRelayClient.class);
    }

    @Bean
    public PromptRelaySettings promptRelaySettings(PromptRelayInCamel promptRelay) {
        return promptRelay.bean(PromptRelayConfiguration.SETTINGS, PromptRelaySettings.class);
    }

    /** The jobs: their states, cancel and retry. */
    @Bean
    public JobJournal promptRelayJournal(PromptRelayInCamel promptRelay) {
        return promptRelay.bean("journal", JobJournal.class);
    }

    /** The requests (prompt files, API and embedded calls) and the jobs of each. */
    @Bean
    public PromptFileJournal promptRelayRequests(PromptRelayInCamel promptRelay) {
        return promptRelay.bean("promptFileJournal", PromptFileJournal.class);
    }

    @Bean
    public ProviderCatalog promptRelayProviders(PromptRelayInCamel promptRelay) {
        return promptRelay.bean("providers", ProviderCatalog.class);
    }

    /** promptrelay's health checks (journal, leases, outbox, held files, each provider) under /actuator/health. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class Health {

        @Bean
        public HealthIndicator promptrelayHealthIndicator(PromptRelayInCamel promptRelay) {
            return new PromptRelayHealthIndicator(promptRelay.camelContext());
        }
    }

    /** promptrelay, running in this Camel context. */
    public static final class PromptRelayInCamel {

        private final CamelContext camelContext;

        PromptRelayInCamel(CamelContext camelContext) {
            this.camelContext = camelContext;
        }

        public CamelContext camelContext() {
            return camelContext;
        }

        <T> T bean(String name, Class<T> type) {
            T bean = camelContext.getRegistry().lookupByNameAndType(name, type);
            if (bean == null) {
                throw new IllegalStateException("promptrelay's " + name + " is missing from Camel context "
                                                + camelContext.getName() + ": " + PromptRelay.class.getName()
                                                + " did not start in it");
            }
            return bean;
        }
    }
}
