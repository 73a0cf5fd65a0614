package dev.promptrelay;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.main.Main;

/**
 * Starts promptrelay: the routes and the beans of {@link PromptRelayConfiguration}, as a service, or with
 * {@code --once} for what is in the inbox now.
 */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(args));
        if (arguments.contains("--help") || arguments.contains("-h")) {
            System.out.println(Usage.TEXT);
            System.exit(0);
        }
        for (String argument : arguments) {
            if (argument.startsWith("-D") && argument.contains("=")) {
                // java passes what follows -jar to the application, not to itself: say where it belongs
                String setting = argument.substring(2, argument.indexOf('='));
                String value = argument.substring(argument.indexOf('=') + 1);
                System.err.println("promptrelay could not start: " + argument + " is an option of java, not of "
                                   + "promptrelay: put it before -jar (java " + argument + " -jar promptrelay.jar), "
                                   + "or set the environment variable " + setting.toUpperCase(java.util.Locale.ROOT)
                                           .replace('.', '_').replace('-', '_') + "=" + value);
                System.exit(2);
            }
        }
        if (arguments.contains("--providers")) {
            System.exit(ProviderList.print(System.out));
        }
        boolean once = arguments.remove("--once");
        CompilerAdvice.logAtStart();
        StopSignals.install();
        Main main = new Main(Application.class);
        WorkingDirectory.applyTo(main);
        int code;
        try {
            if (once) {
                OnceRun.prepare(main);
                main.start();
                code = OnceRun.awaitOutcome(main);
                main.stop();
            } else {
                code = main.run(arguments.toArray(String[]::new));
            }
        } catch (Exception e) {
            // a start that failed must end the process, even with servers started before the failure
            System.err.println("promptrelay could not start: " + e.getMessage());
            code = 1;
        }
        System.exit(code);
    }
}
