package dev.promptrelay.api;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.promptrelay.PromptRelaySettings;
import dev.promptrelay.journal.Job;
import dev.promptrelay.journal.JobJournal;
import dev.promptrelay.provider.ProfileMapping;
import dev.promptrelay.provider.ProviderCatalog;
import dev.promptrelay.provider.TaskWatches;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POST /api/webhooks/{provider}/{job}/{token}: a provider saying that a task ended. A genuine webhook makes the task be
 * polled at once (see {@link dev.promptrelay.provider.Webhooks}); anything else is answered 404, the same for every
 * reason, so the answer tells a stranger nothing.
 */
public class WebhooksApi {

    private static final Logger LOG = LoggerFactory.getLogger(WebhooksApi.class);
    /** At most this much of a webhook's body is read: providers send a task's record, never its files. */
    private static final int MAX_BODY = 1024 * 1024;

    private final ProviderCatalog providers;
    private final JobJournal jobs;
    private final TaskWatches watches;
    private final PromptRelaySettings settings;

    public WebhooksApi(ProviderCatalog providers, JobJournal jobs, TaskWatches watches, PromptRelaySettings settings) {
        this.providers = providers;
        this.jobs = jobs;
        this.watches = watches;
        this.settings = settings;
    }

    public ApiReply received(String provider, String jobId, String token, Map<String, Object> headers, String body) {
        ProfileMapping mapping = providers.ids().contains(provider)
                                 && providers.mapping(provider) instanceof ProfileMapping m && m.sendsWebhooks() ? m : null;
        Job job = mapping == null || jobId == null || !jobId.matches("[A-Za-z0-9_-]{1,64}") ? null : jobs.job(jobId);
        String text = body == null ? "" : body.length() > MAX_BODY ? body.substring(0, MAX_BODY) : body;
        Map<String, String> named = new LinkedHashMap<>();
        headers.forEach((k, v) -> named.put(k, v == null ? null : v.toString()));
        if (job == null || !job.provider().equals(provider)
            || !mapping.genuineWebhook(job, token, named, text, settings.text("promptrelay." + provider + ".webhook-secret", ""))) {
            LOG.warn("A webhook for {} that promptrelay did not ask for (or whose signature does not match) was ignored",
                    provider == null ? "?" : provider.replaceAll("[^A-Za-z0-9_-]", "?"));
            return ApiReply.error(404, "no such webhook", "providers send webhooks to the address promptrelay gives them "
                                                         + "with each submit");
        }
        // only a task still under way is worth a poll; one that ended here has nothing left to tell
        boolean underWay = job.state() == dev.promptrelay.journal.JobState.RUNNING
                           || job.state() == dev.promptrelay.journal.JobState.SUBMITTING;
        boolean polledHere = underWay && watches.nudge(job.id());
        LOG.debug("{}: webhook from {}; {}", job.label(), provider, polledHere ? "polling its task now"
                : "its task is not polled here (ended, or polled by another node)");
        return ApiReply.of(202, new Taken(job.id(), polledHere));
    }

    /** The webhook was taken; {@code polled_now}: this node polls the task at once. */
    @com.fasterxml.jackson.databind.annotation.JsonNaming(com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Taken(String job, boolean polledNow) {
    }
}
