package dev.promptrelay.provider;

import java.util.Map;

import dev.promptrelay.journal.Job;
import dev.promptrelay.prompt.InputImages;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Headers;

/**
 * The request each step sends to a job's provider, as that provider's mapping writes it: a plain value the routes
 * put on the wire.
 */
public class ProviderCalls {

    private final ProviderCatalog providers;
    private final InputImages inputImages;
    private final Map<String, Integer> requestsPerMinute;
    private final java.util.function.IntSupplier liveNodes;

    /** @param requestsPerMinute per provider id; 0 or absent means no cap */
    public ProviderCalls(ProviderCatalog providers, InputImages inputImages, Map<String, Integer> requestsPerMinute) {
        this(providers, inputImages, requestsPerMinute, () -> 1);
    }

    /** @param liveNodes how many nodes share the journal, and with it each provider's requests per minute */
    public ProviderCalls(ProviderCatalog providers, InputImages inputImages, Map<String, Integer> requestsPerMinute,
                         java.util.function.IntSupplier liveNodes) {
        this.providers = providers;
        this.inputImages = inputImages;
        this.requestsPerMinute = Map.copyOf(requestsPerMinute);
        this.liveNodes = liveNodes;
    }

    /** The paid submit; a kept local picture goes out as a data URI, the journal keeps only its name. */
    public ProviderCall submit(Job job) {
        return mapping(job).submitCall(job.withSpec(inputImages.asSent(job.spec())));
    }

    /** The task's status, or the address the provider's last answer redirected to. */
    public ProviderCall poll(Job job, ProviderCall redirect) {
        return redirect != null ? redirect : mapping(job).pollCall(job);
    }

    /** The request for the task's result when the report says its outputs are there, else null (ask the status). */
    public ProviderCall result(Job job, TaskReport report) {
        return report != null && report.resultPending() ? mapping(job).resultCall(job).forResult() : null;
    }

    /** The request that stops the job's task at its provider (the job's provider has one). */
    public ProviderCall cancel(Job job) {
        return mapping(job).cancelCall(job);
    }

    /** A fresh download URL of an output the provider names by id, or the address a redirect gave. */
    public ProviderCall link(Job job, TaskOutput output, ProviderCall redirect) {
        return redirect != null ? redirect : mapping(job).linkCall(output);
    }

    /** One output's content, or the address a redirect gave. */
    public ProviderCall download(Job job, TaskOutput output, ProviderCall redirect) {
        return redirect != null ? redirect : mapping(job).downloadCall(output);
    }

    /**
     * The same request at a redirect's Location, with the key only where it stays on the provider's own host; null
     * when the Location is missing or unusable, or after a few hops.
     */
    public ProviderCall redirected(Job job, ProviderCall sent, int status, String location) {
        return Redirects.isRedirect(status) ? Redirects.follow(sent, location, mapping(job).settings().baseUrl()) : null;
    }

    public int requestsPerMinute(String provider) {
        return requestsPerMinute.getOrDefault(provider, 0);
    }

    /**
     * This node's part of the provider's requests per minute: the cap divided among the live nodes, rounded down
     * (at least 1), so all of them together stay under it.
     */
    public int requestsPerMinuteHere(String provider) {
        int cap = requestsPerMinute(provider);
        return cap <= 0 ? 0 : Math.max(1, cap / Math.max(1, liveNodes.getAsInt()));
    }

    /** The call's own headers (credentials, content type, a provider's own) on the message. */
    public void putHeaders(@ExchangeProperty("call") ProviderCall call, @Headers Map<String, Object> headers) {
        headers.putAll(call.headers());
    }

    private ProviderMapping mapping(Job job) {
        return providers.mapping(job.provider());
    }
}
