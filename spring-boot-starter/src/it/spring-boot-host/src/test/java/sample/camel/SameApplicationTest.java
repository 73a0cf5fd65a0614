package sample.camel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;


import dev.promptrelay.PromptRelayClient;
import org.apache.camel.CamelContext;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application is the same with promptrelay as without it (promptrelay.enabled=false), apart from promptrelay's
 * own beans: no bean of its own replaced or added, the same meter registry, which promptrelay's meters then join,
 * and promptrelay's health under Actuator's. Both runs leave out the application's poster routes, which need
 * promptrelay (through its Kamelet) to run at all.
 */
class SameApplicationTest {

    @Test
    void onlyPromptrelaysOwnBeansAreAddedAndItsMetersGoToTheApplicationsRegistry() throws Exception {
        Map<String, String> without;
        Map<String, String> meterRegistriesWithout;
        Path run = Path.of("target", "same-application").toAbsolutePath();
        try (ConfigurableApplicationContext app = Runs.start(run, "--promptrelay.enabled=false")) {
            assertThat(app.getBean(CamelContext.class).getRoute("poster-of-the-day")).as("poster routes left out").isNull();
            without = beans(app);
            meterRegistriesWithout = meterRegistries(app);
        }
        try (ConfigurableApplicationContext app = Runs.start(run)) {
            Map<String, String> with = beans(app);
            Set<String> added = new TreeSet<>(with.keySet());
            added.removeAll(without.keySet());
            assertThat(added).as("beans added").isNotEmpty().allSatisfy(name -> assertThat(
                    name.toLowerCase().contains("promptrelay") || with.get(name).startsWith("dev.promptrelay."))
                    .as(name + " (" + with.get(name) + ") is promptrelay's own").isTrue());
            Set<String> gone = new TreeSet<>(without.keySet());
            gone.removeAll(with.keySet());
            assertThat(gone).as("beans promptrelay took away").isEmpty();
            // a bean of the application's own name and class replaced by another (anonymous classes aside: the same
            // factory method gives one the first time it is asked, its declared type before)
            without.forEach((name, type) -> {
                if (!type.contains("$") && !with.get(name).contains("$")) {
                    assertThat(with.get(name)).as("bean " + name).isEqualTo(type);
                }
            });
            assertThat(meterRegistries(app)).isEqualTo(meterRegistriesWithout);
            assertThat(ClassUtils.isPresent("io.micrometer.prometheusmetrics.PrometheusMeterRegistry", null))
                    .as("a Prometheus registry arriving with promptrelay").isFalse();

            Map<String, Object> outcome = app.getBean(PromptRelayClient.class)
                    .generate("a meter reading", Map.of("provider", "modelscope"), Duration.ofMinutes(1));
            assertThat(outcome.get("state")).as(outcome.toString()).isEqualTo("succeeded");
            MeterRegistry registry = app.getBean(MeterRegistry.class);
            // the job is counted as its route ends, a moment after the journal says it has
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(registry.find("promptrelay_jobs")
                    .tag("outcome", "succeeded").counter()).as(() -> "promptrelay_jobs in the application's registry: "
                    + registry.getMeters().stream().map(m -> m.getId().getName()).sorted().distinct().toList())
                    .isNotNull().satisfies(c -> assertThat(c.count()).isPositive()));
            assertThat(app.getBean(HealthEndpoint.class).healthForPath("promptrelay").getStatus()).isEqualTo(Status.UP);
        }
    }

    private static Map<String, String> beans(ConfigurableApplicationContext app) {
        Map<String, String> beans = new TreeMap<>();
        for (String name : app.getBeanDefinitionNames()) {
            Class<?> type = app.getType(name);
            beans.put(name, type == null ? "?" : ClassUtils.getUserClass(type).getName());
        }
        return beans;
    }

    private static Map<String, String> meterRegistries(ConfigurableApplicationContext app) {
        Map<String, String> registries = new TreeMap<>();
        app.getBeansOfType(MeterRegistry.class).forEach((name, registry) -> registries.put(name, registry.getClass().getName()));
        return registries;
    }
}
