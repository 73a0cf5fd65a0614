package dev.promptrelay;

import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.Route;
import org.apache.camel.main.Main;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;

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

    /**
     * Brings promptrelay into a Camel context whose routes are being made or running (the Kamelet's way in), unless it
     * is there already.
     */
    public static synchronized void ensureIn(CamelContext context) throws Exception {
        if (context.getRegistry().lookupByName(PromptRelayConfiguration.SETTINGS) != null) {
            return;
        }
        ModelCamelContext model = (ModelCamelContext) context;
        List<RouteDefinition> before = List.copyOf(model.getRouteDefinitions());
        new PromptRelayConfiguration().configure(context);
        List<RouteDefinition> added = model.getRouteDefinitions().stream().filter(r -> !before.contains(r)).toList();
        // the Kamelet's route starts while the context starts its own: promptrelay's routes follow once it has
        if (context.isStarted()) {
            start(model, added);
        } else {
            context.addStartupListener(new ExtendedStartupListener() {
                @Override
                public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                    // not yet: the context's own routes are still starting
                }

                @Override
                public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) throws Exception {
                    start(model, added);
                }
            });
        }
    }

    private static void start(ModelCamelContext model, List<RouteDefinition> routes) throws Exception {
        model.startRouteDefinitions(routes.stream().filter(r -> model.getRoute(r.getRouteId()) == null).toList());
        for (RouteDefinition definition : routes) {
            Route route = model.getRoute(definition.getRouteId());
            if (route != null && route.isAutoStartup()
                && !model.getRouteController().getRouteStatus(route.getRouteId()).isStarted()) {
                model.getRouteController().startRoute(route.getRouteId());
            }
        }
    }
}
