package dev.promptrelay;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import dev.promptrelay.api.EmbeddedJobs;
import org.apache.camel.CamelContext;

/**
 * promptrelay from Java code: submit a prompt, read how it stands, wait for its end. The jobs are the same as the drop
 * folder's and the Kamelet's: journaled before anything is paid for, polled without holding a thread, their files
 * written atomically with sidecars into the outbox, never submitted twice. An outcome is a map:
 * {@code id}, {@code state} ({@code queued}, {@code running}, then {@code succeeded}, {@code cancelled} or
 * {@code failed}), {@code outputs} (the files' paths) and {@code jobs} (each job's state, error and advice),
 * as {@code GET /api/jobs/{id}} gives it.
 */
public final class PromptRelayClient {

    private static final Duration STEP = Duration.ofMillis(250);

    private final CamelContext context;

    /** A client of promptrelay in this Camel context (its beans are looked up when first used). */
    public PromptRelayClient(CamelContext context) {
        this.context = context;
    }

    /**
     * Journals a job and returns its request id; it runs from then on, whatever the caller does. Options are named
     * as a prompt file's fields: {@code provider}, {@code model}, {@code size}, {@code count}, {@code seed},
     * {@code negative_prompt}, ... An invalid job throws {@link dev.promptrelay.prompt.PromptFileException} with the
     * field at fault, before anything is paid for.
     */
    public String submit(String prompt, Map<String, ?> options) throws IOException {
        return jobs().accept(prompt, options);
    }

    /** How the request stands now. */
    public Map<String, Object> status(String id) {
        EmbeddedJobs jobs = jobs();
        if (!jobs.known(id)) {
            throw new IllegalArgumentException("promptrelay has no request " + id + " in its journal");
        }
        return jobs.outcome(id);
    }

    /**
     * Waits until every job of the request has ended and returns the outcome. A timeout ends the wait, never the
     * request: it goes on, and {@link #status} tells how it ends.
     */
    public Map<String, Object> await(String id, Duration timeout) throws InterruptedException, TimeoutException {
        EmbeddedJobs jobs = jobs();
        status(id);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (jobs.running(id)) {
            if (System.nanoTime() - deadline >= 0) {
                throw new TimeoutException("request " + id + " has not ended within " + timeout.toSeconds()
                                           + " s; it goes on (status(id) tells how it ends)");
            }
            Thread.sleep(STEP.toMillis());
        }
        return jobs.outcome(id);
    }

    /** {@link #submit} then {@link #await}. */
    public Map<String, Object> generate(String prompt, Map<String, ?> options, Duration timeout)
            throws IOException, InterruptedException, TimeoutException {
        return await(submit(prompt, options), timeout);
    }

    private EmbeddedJobs jobs() {
        EmbeddedJobs jobs = context.getRegistry().lookupByNameAndType("embeddedJobs", EmbeddedJobs.class);
        if (jobs == null) {
            throw new IllegalStateException("promptrelay is not running in Camel context " + context.getName()
                                            + ": bring it in first (docs/embedding.md)");
        }
        return jobs;
    }
}
