package dev.promptrelay.provider;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import dev.promptrelay.journal.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the watch of each submitted task (its poll plan drawn from what recent tasks of the model took) and tells it
 * what each poll found.
 */
public class TaskWatches {

    private static final Logger LOG = LoggerFactory.getLogger(TaskWatches.class);
    private static final long MIN_POLL_STEP_MILLIS = 25;
    /** How long a plan serves before it is drawn again from the journal (with the ends other nodes saw too). */
    private static final long PLAN_MILLIS = 1000;

    /** A plan and when it was drawn; dropped when a task of its model ends here while it is not settled. */
    private record Drawn(PollPlan plan, long at) {
    }

    private final java.util.Map<String, Drawn> plans = new java.util.concurrent.ConcurrentHashMap<>();
    /** Since when each model's tasks have kept their present pace, where they changed within the window. */
    private final java.util.Map<String, Instant> paceChanges = new java.util.concurrent.ConcurrentHashMap<>();
    /** The models whose first polls were planned on an expected duration, said once each. */
    private final java.util.Set<String> firstPlanned = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The tasks of each model polled here, by job: their ages are lower bounds a model's first plans are fitted to. */
    private final java.util.Map<String, java.util.Map<String, TaskWatch>> running =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** The watches of tasks whose provider sends webhooks, by job: a webhook nudges its task's watch. */
    private final java.util.Map<String, TaskWatch> awaitingWebhooks = new java.util.concurrent.ConcurrentHashMap<>();
    private java.util.function.Predicate<String> sendsWebhooks = provider -> false;
    /** Jobs whose webhook came before their polling started here; the oldest forgotten beyond a few thousand. */
    private final java.util.Set<String> earlyNudges = java.util.Collections.newSetFromMap(
            new java.util.LinkedHashMap<>(64, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> eldest) {
                    return size() > 4096;
                }
            });
    private long webhookCheckMillis;
    private long webhookFallbackMillis;

    private final TaskDurations durations;
    private final TypicalTaskDurations typical;
    private final Duration pollTimeout;
    private final Duration videoPollTimeout;
    private final Duration notFoundGrace;
    private final long firstPollDelayMillis;
    private final long maxPollDelayMillis;

    /** @param typical what a model's tasks are expected to take before enough of its own have ended */
    public TaskWatches(TaskDurations durations, TypicalTaskDurations typical, Duration pollTimeout,
                       Duration videoPollTimeout, Duration notFoundGrace, long firstPollDelayMillis,
                       long maxPollDelayMillis) {
        this.durations = durations;
        this.typical = typical;
        this.pollTimeout = pollTimeout;
        this.videoPollTimeout = videoPollTimeout;
        this.notFoundGrace = notFoundGrace;
        this.firstPollDelayMillis = firstPollDelayMillis;
        this.maxPollDelayMillis = maxPollDelayMillis;
    }

    /** @param submitAnsweredAt when this process got the submit's answer; null for a task resumed after a restart */
    public TaskWatch watch(Job job, Date submitAnsweredAt) {
        PollPlan plan = plan(job.provider(), job.model(), job.sandbox());
        TaskWatch watch = new TaskWatch(job.submittedAt(), job.spec().wantsVideo() ? videoPollTimeout : pollTimeout,
                notFoundGrace, firstPollDelayMillis, maxPollDelayMillis, plan);
        running.computeIfAbsent(planKey(job.provider(), job.model(), job.sandbox()),
                k -> new java.util.concurrent.ConcurrentHashMap<>()).put(job.id(), watch);
        watch.planFrom(() -> plan(job.provider(), job.model(), job.sandbox()));
        // the provider's clock for the task started somewhere between the submit and its answer
        watch.submitAnswered(submitAnsweredAt == null ? null : submitAnsweredAt.toInstant());
        if (sendsWebhooks.test(job.provider())) {
            watch.awaitWebhook(webhookCheckMillis, webhookFallbackMillis);
            awaitingWebhooks.put(job.id(), watch);
            synchronized (earlyNudges) {
                if (earlyNudges.remove(job.id())) {
                    watch.nudge();
                }
            }
        }
        return watch;
    }

    /**
     * Tasks of these providers are told of by webhook: they are polled at least {@code fallbackMillis} apart, and
     * within {@code checkMillis} of a webhook.
     */
    public void webhooks(java.util.function.Predicate<String> providers, long checkMillis, long fallbackMillis) {
        this.sendsWebhooks = providers;
        this.webhookCheckMillis = checkMillis;
        this.webhookFallbackMillis = fallbackMillis;
    }

    /**
     * A genuine webhook came for this job's running task: it is polled at once, or as soon as its polling starts here
     * (a quick task's webhook may come before). False when no task of it is polled here yet.
     */
    public boolean nudge(String jobId) {
        TaskWatch watch = awaitingWebhooks.get(jobId);
        if (watch == null) {
            synchronized (earlyNudges) {
                earlyNudges.add(jobId);
            }
            return false;
        }
        if (watch.isEnded()) {
            return false;
        }
        watch.nudge();
        return true;
    }

    /** The job's polling is over (ended, cancelled, stopped): a webhook for it nudges nothing. */
    public void done(Job job) {
        awaitingWebhooks.remove(job.id());
        java.util.Map<String, TaskWatch> model = running.get(planKey(job.provider(), job.model(), job.sandbox()));
        if (model != null) {
            model.remove(job.id());
        }
    }

    /**
     * The model's plan: drawn from the journal at most once a second, and at once after a task of it ended while too
     * few were known for a plan.
     */
    private PollPlan plan(String provider, String model, boolean sandbox) {
        String key = planKey(provider, model, sandbox);
        long now = System.nanoTime() / 1_000_000;
        Drawn drawn = plans.get(key);
        if (drawn == null || now - drawn.at() > PLAN_MILLIS) {
            List<Long> recent;
            PollPlan.Prior prior = null;
            try {
                recent = pace(provider, model, sandbox, key).durations();
                if (recent.size() < PollPlan.FEW_SAMPLES) {
                    prior = typical.of(provider, model, sandbox);
                }
            } catch (dev.promptrelay.journal.JournalUnavailable e) {
                // the journal is away: polling goes on with the plan it had (or none), since tasks end meanwhile
                recent = drawn == null ? List.of() : null;
            }
            drawn = recent == null ? new Drawn(drawn.plan(), now)
                    : new Drawn(PollPlan.from(recent, recent.size() < PollPlan.FEW_SAMPLES ? runningAges(key)
                            : List.of(), prior, MIN_POLL_STEP_MILLIS, maxPollDelayMillis), now);
            if (recent != null && recent.isEmpty()) {
                sayFirstPlan(provider, model, sandbox, key, prior);
            }
            plans.put(key, drawn);
        }
        return drawn.plan();
    }

    /** Once per model, what its first polls are planned on; not of the sandbox's placeholder tasks when nothing is. */
    private void sayFirstPlan(String provider, String model, boolean sandbox, String key, PollPlan.Prior prior) {
        if (prior == null && sandbox || !firstPlanned.add(key)) {
            return;
        }
        if (prior != null) {
            LOG.info("{} {}: no task of it has ended yet; its first polls are planned on about {} s a task ({})",
                    provider, model, String.format(java.util.Locale.ROOT, "%.1f", prior.medianMillis() / 1000),
                    prior.source());
        } else {
            LOG.info("{} {}: nothing is known yet of how long its tasks take; they are polled {} s after the submit, "
                     + "then each time a fifth later, until one ends (for tasks of minutes, promptrelay.{}.{} = "
                     + "<seconds> spares the early polls)", provider, model,
                    String.format(java.util.Locale.ROOT, "%.1f", firstPollDelayMillis / 1000.0), provider,
                    TypicalTaskDurations.SETTING);
        }
    }

    private PollPlan.Pace pace(String provider, String model, boolean sandbox, String key) {
        PollPlan.Pace pace = PollPlan.currentPace(durations.recent(provider, model, sandbox), paceChanges.get(key));
        if (pace.changedAt() == null) {
            paceChanges.remove(key);
        } else {
            paceChanges.put(key, pace.changedAt());
        }
        if (!Double.isNaN(pace.change())) {
            LOG.info("{} {}: its newest tasks take {} times as long as the ones before; polls are planned from the "
                     + "newest ends alone until the older ones have left the {} a plan is drawn from", provider, model,
                    String.format(java.util.Locale.ROOT, "%.1f", pace.change()), TaskDurations.SAMPLES);
        }
        return pace;
    }

    /** How long the model's tasks polled here have been running (none older than the poll timeout: left over). */
    private List<Long> runningAges(String key) {
        java.util.Map<String, TaskWatch> model = running.get(key);
        if (model == null) {
            return List.of();
        }
        model.values().removeIf(w -> w.isEnded() || w.ageMillis() > pollTimeout.toMillis());
        return model.values().stream().map(TaskWatch::ageMillis).toList();
    }

    /** The sandbox's tasks are planned apart from the provider's own. */
    private static String planKey(String provider, String model, boolean sandbox) {
        return provider + '\n' + model + (sandbox ? "\nsandbox" : "");
    }

    public void reported(TaskWatch watch, Job job, TaskReport report) {
        if (report.status().ended() && !watch.plan().settled()) {
            plans.remove(planKey(job.provider(), job.model(), job.sandbox()));
        }
        if (report.status() == TaskStatus.UNKNOWN && watch.report().status() != TaskStatus.UNKNOWN) {
            LOG.info("{}: {} reported the unknown status '{}'; still polling", job.label(), job.provider(),
                    report.providerStatus());
        }
        watch.polled(report);
    }

    /** @param next the request at the redirect's Location; null when it cannot be followed */
    public void redirected(TaskWatch watch, Job job, ProviderCall next) {
        if (next != null) {
            LOG.debug("{}: poll redirected to {}; following", job.label(), next);
            watch.askAgainNow();
        } else {
            // a redirect that cannot be followed says nothing about the task: ask again later
            LOG.info("{}: poll redirected without a usable Location (or too often); polling again later", job.label());
            watch.unanswered();
        }
    }

    /** No answer, or one that says nothing of the task: ask later, and no sooner than the provider asked (header values or null). */
    public void unanswered(TaskWatch watch, String retryAfter, String rateLimitReset) {
        watch.unanswered();
        Duration asked = RetryAfter.of(retryAfter, rateLimitReset, Instant.now());
        if (asked != null) {
            watch.waitAtLeast(asked);
        }
    }

    /** The provider held every job off past this task's own delay: the next poll goes as soon as it allows. */
    public void heldOff(TaskWatch watch) {
        watch.heldOff();
    }
}
