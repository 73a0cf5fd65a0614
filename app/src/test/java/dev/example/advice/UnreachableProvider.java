package dev.example.advice;

import java.net.ConnectException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.builder.AdviceWithRouteBuilder;

/**
 * ModelScope's HTTP calls, inside its provider-call route (so behind its circuit breaker), refused as by a host where
 * nothing listens; counts the requests that reached the wire.
 */
public class UnreachableProvider extends AdviceWithRouteBuilder {

    public static final AtomicInteger SENT = new AtomicInteger();

    @Override
    public void configure() {
        weaveByToUri("promptrelay-http:*").replace().process(exchange -> {
            SENT.incrementAndGet();
            throw new ConnectException("Connection refused");
        });
    }
}
