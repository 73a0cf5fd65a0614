package dev.example.advice;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.promptrelay.sandbox.PlaceholderImage;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWithRouteBuilder;

/**
 * Provider calls replaced in promptrelay's routes (AdviceWith on the calls' ids) by scripted answers, for fast
 * route-level tests with no server. Outside promptrelay's package, so Camel Main's scan of it never takes these
 * for routes of the application.
 */
public final class ScriptedProviderCalls {

    /** One scripted answer to a submit: an HTTP status with headers and body, or the failure to throw. */
    public record Answer(int status, Map<String, String> headers, String body, Exception failure) {
        public static Answer http(int status, String body, String... headerPairs) {
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            for (int i = 0; i + 1 < headerPairs.length; i += 2) {
                headers.put(headerPairs[i], headerPairs[i + 1]);
            }
            return new Answer(status, headers, body, null);
        }
    }

    public static final ConcurrentLinkedDeque<Answer> SUBMITS = new ConcurrentLinkedDeque<>();
    public static final List<Long> SUBMITTED_AT = new CopyOnWriteArrayList<>();

    private ScriptedProviderCalls() {
    }

    /** The submit's HTTP call answers from the script. */
    public static class Submit extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveById("submit-http-call").replace().process(exchange -> {
                SUBMITTED_AT.add(System.currentTimeMillis());
                Answer answer = SUBMITS.poll();
                if (answer == null) {
                    throw new AssertionError("a submit the script did not expect: paid twice?");
                }
                if (answer.failure() != null) {
                    throw answer.failure();
                }
                respond(exchange, answer.status(), answer.headers(), answer.body());
            });
        }
    }

    /** Every poll finds its task ended, with one picture. */
    public static class EndedPoll extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveById("poll-http-call").replace().process(exchange -> respond(exchange, 200, Map.of(),
                    "{\"task_status\": \"SUCCEED\", \"output_images\": [\"http://127.0.0.1:9/files/a.png\"]}"));
        }
    }

    /** Every download is that picture. */
    public static class PictureDownload extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveById("download-output").replace().process(exchange -> {
                respond(exchange, 200, Map.of("Content-Type", "image/png"), null);
                exchange.getMessage().setBody(new java.io.ByteArrayInputStream(
                        PlaceholderImage.png("scripted", 1, 64, 64, "m")));
            });
        }
    }

    static void respond(Exchange exchange, int status, Map<String, String> headers, String body) {
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        headers.forEach(exchange.getMessage()::setHeader);
        exchange.getMessage().setBody(body);
    }

}
