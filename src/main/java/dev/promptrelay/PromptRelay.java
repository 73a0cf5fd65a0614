package dev.promptrelay;

import org.apache.camel.main.Main;

/**
 * promptrelay as a library, in one line: another Camel Main application calls {@link #embedIn(Main)} and gets the
 * journal, the providers, the routes and {@code direct:promptrelay-generate} to call from its own routes. Its own
 * routes and settings stay as it declared them, wherever it declared them; promptrelay's defaults sit under them.
 * The same without Java: {@code camel.main.configuration-classes = dev.promptrelay.PromptRelayConfiguration}.
 */
public final class PromptRelay {

    private PromptRelay() {
    }

    public static void embedIn(Main main) {
        main.configure().addConfiguration(PromptRelayConfiguration.class);
    }
}
