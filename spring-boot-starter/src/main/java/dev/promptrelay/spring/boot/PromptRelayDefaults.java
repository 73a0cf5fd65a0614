package dev.promptrelay.spring.boot;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.promptrelay.PromptRelaySettings;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * promptrelay's defaults as the last of the application's property sources: every source Spring Boot reads
 * (application.yaml and .properties, profiles, command-line arguments, environment variables, test properties) wins
 * over them, and Camel, which asks Spring's Environment, finds every setting there. The drop folder and the HTTP API
 * are off unless the application switches them on.
 */
public class PromptRelayDefaults implements EnvironmentPostProcessor {

    /** The property source's name, as Actuator's /env shows it. */
    public static final String SOURCE = "promptrelay-defaults";
    private static final Pattern CAMEL_PLACEHOLDER = Pattern.compile("\\{\\{(?:env:|sys:)?([^:}]+)(:[^}]*)?}}");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Properties defaults = PromptRelaySettings.defaults();
        Map<String, Object> settings = new LinkedHashMap<>();
        for (String key : defaults.stringPropertyNames()) {
            if (key.startsWith("promptrelay.")) {
                settings.put(key, springPlaceholders(defaults.getProperty(key)));
            }
        }
        settings.put("promptrelay.inbox.enabled", "false");
        settings.put("promptrelay.api.enabled", "false");
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE, settings));
    }

    /** {{env:KEY:default}} and {{sys:key}} in the defaults, Camel's placeholders, as Spring's ${KEY:default}. */
    static String springPlaceholders(String value) {
        Matcher placeholder = CAMEL_PLACEHOLDER.matcher(value);
        StringBuilder spring = new StringBuilder();
        while (placeholder.find()) {
            String fallback = placeholder.group(2) == null ? "" : placeholder.group(2);
            placeholder.appendReplacement(spring, Matcher.quoteReplacement("${" + placeholder.group(1) + fallback + "}"));
        }
        return placeholder.appendTail(spring).toString();
    }
}
