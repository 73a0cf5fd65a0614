package dev.example.host;

import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The host application's own test, as it was before promptrelay joined its dependencies: promptrelay on the class
 * path, not opted in, changes nothing.
 */
@CamelMainTest(mainClass = HostApplication.class)
class GreetRouteTest {

    @Produce("direct:greet")
    ProducerTemplate greet;

    @Test
    void theHostsOwnRouteAndSettingsAreAsTheyWere() {
        assertThat(greet.requestBody((Object) "you", String.class)).isEqualTo("Hello you");
        assertThat(greet.getCamelContext().getName()).isEqualTo("host-app");
        assertThat(greet.getCamelContext().getRoutes()).extracting(Route::getRouteId).containsExactly("greet");
        assertThat(greet.getCamelContext().getRegistry().lookupByName("promptrelaySettings")).isNull();
        assertThat(greet.getCamelContext().hasComponent("promptrelay-http")).isNull();
    }
}
