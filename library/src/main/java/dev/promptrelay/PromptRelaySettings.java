package dev.promptrelay;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * promptrelay's settings, read through Camel's properties: the application's own (its application.properties,
 * environment variables, -D options) over promptrelay's defaults ({@code promptrelay/application.properties} in the
 * jar), which join Camel's initial properties, the lowest level. Only the {@code promptrelay.*} defaults join: the
 * {@code camel.*} settings of an application that embeds promptrelay stay its own. Such an application gets the drop
 * folder and the HTTP API only when it switches them on.
 */
public final class PromptRelaySettings {

    /** Where the defaults are inside the jar. */
    public static final String DEFAULTS = "promptrelay/application.properties";
    /** Off unless the application that embeds promptrelay switches them on (the runnable application does). */
    private static final String[] OFF_WHEN_EMBEDDED = {"promptrelay.inbox.enabled", "promptrelay.api.enabled"};

    private final PropertiesComponent properties;

    private PromptRelaySettings(PropertiesComponent properties) {
        this.properties = properties;
    }

    /** The settings of this Camel context, promptrelay's defaults joined under them first. */
    public static PromptRelaySettings of(CamelContext context) {
        PropertiesComponent properties = context.getPropertiesComponent();
        Properties defaults = defaults();
        for (String key : OFF_WHEN_EMBEDDED) {
            defaults.setProperty(key, "false");
        }
        // nor does it read a providers/ folder of its working directory, which may hold anything of its own
        defaults.setProperty("promptrelay.providers-dir", "");
        // a default joins only where the application's settings, wherever it keeps them (its initial properties, a
        // properties file, Spring's Environment, which Camel asks after its initial properties), say nothing
        for (String key : defaults.stringPropertyNames()) {
            if (key.startsWith("promptrelay.") && properties.resolveProperty(key).isEmpty()) {
                properties.addInitialProperty(key, defaults.getProperty(key));
            }
        }
        return new PromptRelaySettings(properties);
    }

    /** promptrelay's defaults as the jar carries them. */
    public static Properties defaults() {
        Properties defaults = new Properties();
        try (InputStream in = PromptRelaySettings.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS + " is missing from the classpath: the promptrelay jar is "
                                                + "incomplete");
            }
            defaults.load(in);
        } catch (IOException e) {
            throw new IllegalStateException(DEFAULTS + " cannot be read: " + e.getMessage(), e);
        }
        return defaults;
    }

    /** Sets the value where the application sets none (a provider profile's own defaults). */
    public void defaultTo(String key, String value) {
        if (properties.resolveProperty(key).isEmpty()) {
            properties.addInitialProperty(key, value);
        }
    }

    /** The setting's value, blank when set empty. */
    public String text(String key) {
        return properties.resolveProperty(key).map(String::strip)
                .orElseThrow(() -> new IllegalStateException("the setting " + key + " is missing: add it to "
                                                             + "application.properties"));
    }

    /** The setting's value, or the fallback when it is not set at all (settings promptrelay does not default). */
    public String text(String key, String fallback) {
        return properties.resolveProperty(key).map(String::strip).orElse(fallback);
    }

    public boolean bool(String key) {
        String value = text(key);
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw invalid(key, value, "true or false");
        }
        return Boolean.parseBoolean(value);
    }

    public long number(String key) {
        String value = text(key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalid(key, value, "a whole number");
        }
    }

    public int integer(String key) {
        long value = number(key);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw invalid(key, String.valueOf(value), "a smaller whole number");
        }
        return (int) value;
    }

    private static IllegalStateException invalid(String key, String value, String expected) {
        return new IllegalStateException("the setting " + key + " is '" + value + "': it must be " + expected);
    }
}
