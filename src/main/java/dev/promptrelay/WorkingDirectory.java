package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.main.Main;

/**
 * Lets ./application.properties and ./routes/ of the working directory win over the copies bundled in the jar.
 */
final class WorkingDirectory {

    static final String BUNDLED_ROUTES = "classpath:routes/*.camel.yaml";

    private WorkingDirectory() {
    }

    static void applyTo(Main main) {
        if (Files.isRegularFile(Path.of("application.properties"))) {
            main.setPropertyPlaceholderLocations("file:application.properties");
        }
        if (Files.isDirectory(Path.of("routes"))) {
            main.addOverrideProperty("camel.main.routes-include-pattern", "file:routes/*.camel.yaml");
        }
    }
}
