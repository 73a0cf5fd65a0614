package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.camel.main.Main;

/**
 * The runnable application's settings: promptrelay's defaults from the jar, under ./application.properties of the
 * working directory (environment variables and -D options over both, as always); ./routes/ of the working directory
 * instead of the routes in the jar when it has them.
 */
final class WorkingDirectory {

    static final String ROUTES = "file:routes/*.camel.yaml";

    private WorkingDirectory() {
    }

    static void applyTo(Main main) {
        Properties defaults = PromptRelaySettings.defaults();
        if (Files.isDirectory(Path.of("routes"))) {
            defaults.setProperty("promptrelay.routes", ROUTES);
        }
        main.setInitialProperties(defaults);
        main.setPropertyPlaceholderLocations("file:application.properties;optional=true");
    }
}
