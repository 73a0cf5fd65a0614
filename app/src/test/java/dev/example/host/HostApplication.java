package dev.example.host;

import dev.promptrelay.PromptRelay;
import org.apache.camel.main.Main;

/**
 * Another company's Camel application, in another package, that uses promptrelay as a step of its own routes: the
 * embedding example of the README, run by EmbeddingIT in a JVM of its own.
 */
public final class HostApplication {

    private HostApplication() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main(HostApplication.class);
        main.configure().withRoutesIncludePattern("classpath:host-routes/*.camel.yaml");
        PromptRelay.embedIn(main);
        main.run(args);
    }
}
