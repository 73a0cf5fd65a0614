package dev.example.advice;

import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.model.SetBodyDefinition;

/**
 * ModelScope's requests fail while being made up, before anything can leave (as an expression that one context reads
 * differently from another would): the body step of its provider-call route throws.
 */
public class RequestMadeUpWrong extends AdviceWithRouteBuilder {

    @Override
    public void configure() {
        weaveByType(SetBodyDefinition.class).replace().throwException(
                new IllegalStateException("the request body could not be read from the call"));
    }
}
