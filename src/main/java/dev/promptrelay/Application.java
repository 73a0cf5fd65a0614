package dev.promptrelay;

import org.apache.camel.main.Main;

/**
 * Starts promptrelay: the routes in routes/ and the beans of {@link PromptRelayConfiguration}.
 */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main(Application.class);
        WorkingDirectory.applyTo(main);
        main.run(args);
    }
}
