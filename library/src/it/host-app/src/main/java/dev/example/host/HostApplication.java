package dev.example.host;

import org.apache.camel.main.Main;

/**
 * The host application, as Camel's examples write one: its routes and settings are in application.properties.
 */
public final class HostApplication {

    private HostApplication() {
    }

    public static void main(String[] args) throws Exception {
        new Main(HostApplication.class).run(args);
    }
}
