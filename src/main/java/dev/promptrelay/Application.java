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
        int code;
        try {
            code = main.run(args);
        } catch (Exception e) {
            // a start that failed must end the process, even with servers started before the failure
            System.err.println("promptrelay could not start: " + e.getMessage());
            code = 1;
        }
        System.exit(code);
    }
}
