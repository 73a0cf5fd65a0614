package dev.promptrelay.spring.boot;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * promptrelay's own health checks as one Actuator component, {@code promptrelay}: down when any of them is, each
 * check's state and message in the details (provider addresses, never keys).
 */
class PromptRelayHealthIndicator implements HealthIndicator {

    private final CamelContext camelContext;

    PromptRelayHealthIndicator(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public Health health() {
        Map<String, Object> checks = new LinkedHashMap<>();
        boolean down = false;
        for (HealthCheck check : camelContext.getRegistry().findByType(HealthCheck.class).stream()
                .filter(c -> "promptrelay".equals(c.getGroup())).sorted(Comparator.comparing(HealthCheck::getId)).toList()) {
            HealthCheck.Result result = check.call();
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("state", result.getState().name());
            result.getMessage().ifPresent(message -> detail.put("message", message));
            checks.put(check.getId(), detail);
            down |= result.getState() == HealthCheck.State.DOWN;
        }
        return (down ? Health.down() : Health.up()).withDetails(checks).build();
    }
}
