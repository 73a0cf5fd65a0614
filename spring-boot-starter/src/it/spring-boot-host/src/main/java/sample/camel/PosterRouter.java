package sample.camel;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * This application's use of promptrelay: at start, the poster of the day through the Kamelet (the first message the
 * application sends, as soon as its routes run), and posters on request from direct:poster.
 */
@Component
public class PosterRouter extends RouteBuilder {

    @Autowired
    Posters posters;

    @Value("${poster.of-the-day}")
    String posterOfTheDay;

    @Override
    public void configure() throws Exception {
        from("timer:poster-of-the-day?repeatCount=1&delay=0").routeId("poster-of-the-day")
                .setBody(constant(posterOfTheDay))
                .to("kamelet:promptrelay-generate-action?provider=modelscope")
                .bean(posters, "made");

        from("direct:poster").routeId("poster")
                .to("kamelet:promptrelay-generate-action?provider=modelscope&seed=7")
                .bean(posters, "made");
    }
}
