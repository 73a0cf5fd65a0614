package dev.promptrelay;

import org.apache.camel.main.Main;

/**
 * promptrelay as a library: another Camel Main application calls {@link #embedIn(Main)} and gets the journal, the
 * providers and the routes, with {@code direct:promptrelay-generate} to call from its own routes. The drop folder
 * stays off unless the application switches it on.
 */
public final class PromptRelay {

    /** Where the embedding application finds promptrelay's default settings and routes inside the jar. */
    public static final String DEFAULTS = "classpath:promptrelay/application.properties";
    public static final String ROUTES = "classpath:promptrelay/routes/*.camel.yaml";

    private PromptRelay() {
    }

    public static void embedIn(Main main) {
        main.configure().addConfiguration(PromptRelayConfiguration.class);
        // promptrelay's defaults first, the application's own settings over them
        main.setPropertyPlaceholderLocations(DEFAULTS + ",classpath:application.properties;optional=true");
        // an override: promptrelay's own defaults name a routes pattern of their own
        String own = main.configure().getRoutesIncludePattern();
        main.addOverrideProperty("camel.main.routes-include-pattern",
                own == null || own.isBlank() ? ROUTES : own + "," + ROUTES);
        if (System.getProperty("promptrelay.inbox.enabled") == null) {
            main.addOverrideProperty("promptrelay.inbox.enabled", "false");
        }
    }
}
