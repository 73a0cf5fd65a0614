package dev.promptrelay.provider;

import org.apache.camel.component.http.HttpEndpointUriFactory;

/**
 * camel-http's endpoint URIs under promptrelay's own component name ({@code promptrelay-http}), so that {@code toD}
 * to a provider reuses one endpoint per host (camel-http's send-dynamic optimisation) instead of one per task URL.
 */
public class ProviderHttpUriFactory extends HttpEndpointUriFactory {

    public static final String SCHEME = "promptrelay-http";

    @Override
    public boolean isEnabled(String scheme) {
        return SCHEME.equals(scheme);
    }
}
