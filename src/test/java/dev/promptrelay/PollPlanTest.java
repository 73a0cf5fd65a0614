package dev.promptrelay;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.promptrelay.provider.HttpAnswer;
import dev.promptrelay.provider.PollPlan;
import dev.promptrelay.provider.ProviderSettings;
import dev.promptrelay.provider.ScenarioMapping;
import dev.promptrelay.provider.TaskWatch;
import dev.promptrelay.provider.TaskWatchTestAccess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Polls planned from what earlier tasks took, or from the provider's progress; backing off when nothing is known.
 */
class PollPlanTest {

    final TestClock clock = new TestClock(Instant.parse("2026-11-30T09:00:00Z"));

    private TaskWatch watch(Duration sinceSubmit, PollPlan plan) {
        return new TaskWatch(clock.instant().minus(sinceSubmit), Duration.ofMinutes(1), Duration.ofSeconds(30), 1000,
                10_000, plan, clock);
    }

    @Test
    void nothingKnownUntilAFewTasksHaveBeenSeen() {
        assertThat(PollPlan.from(List.of(2000L, 2100L), 100, 10_000).known()).isFalse();
        TaskWatch watch = watch(Duration.ZERO, PollPlan.UNKNOWN);
        assertThat(watch.getNextDelayMillis()).isEqualTo(1000);
        TaskWatchTestAccess.polled(watch, "{\"task_status\": \"RUNNING\"}");
        assertThat(watch.getNextDelayMillis()).as("backing off").isBetween(1350L, 1650L);
    }

    @Test
    void equalDurationsGiveOnePollJustBeforeTheEndAndOneJustAfter() {
        PollPlan plan = PollPlan.from(List.of(4000L, 4000L, 4000L, 4000L), 25, 10_000);
        assertThat(plan.minStepMillis()).as("1 % of the typical duration").isEqualTo(40);
        assertThat(plan.firstPollMillis()).isEqualTo(3980);
        assertThat(plan.nextPollMillis(3980)).isEqualTo(4020);
        assertThat(plan.nextPollMillis(4020)).as("slower than every task seen").isEqualTo(-1);
        TaskWatch watch = watch(Duration.ZERO, plan);
        assertThat(watch.getNextDelayMillis()).isEqualTo(3980);
        // a first poll that came a little late finds the task just past every one seen: the smallest step, not a back-off
        TaskWatch late = watch(Duration.ofMillis(4030), plan);
        TaskWatchTestAccess.polled(late, "{\"task_status\": \"RUNNING\"}");
        assertThat(late.getNextDelayMillis()).isEqualTo(40);
        TaskWatchTestAccess.polled(late, "{\"task_status\": \"RUNNING\"}");
        assertThat(late.getNextDelayMillis()).as("then backing off").isBetween(54L, 66L);
    }

    @Test
    void spreadDurationsGivePollsWhereTasksUsuallyEndAndFewWhereTheyRarelyDo() {
        // ten tasks: most end near 1 s, a few run to 5 s
        PollPlan plan = PollPlan.from(List.of(900L, 950L, 1000L, 1000L, 1050L, 1100L, 1200L, 3000L, 4000L, 5000L),
                25, 10_000);
        long first = plan.firstPollMillis();
        assertThat(first).isBetween(950L, 1000L);
        long second = plan.nextPollMillis(first);
        assertThat(second - first).as("close together where tasks end").isLessThan(200);
        long late = plan.nextPollMillis(1300);
        assertThat(late - 1300).as("far apart where they rarely do").isGreaterThan(1500);
        assertThat(plan.nextPollMillis(5000)).isEqualTo(-1);
    }

    @Test
    void theDurationLearntWithoutTheProvidersFigureLiesBetweenThePolls() {
        String running = "{\"task_status\": \"RUNNING\"}";
        String ended = "{\"task_status\": \"SUCCEED\", \"output_images\": [\"https://x.invalid/a.png\"]}";
        TaskWatch bracketed = watch(Duration.ofMillis(2000), PollPlan.UNKNOWN);
        TaskWatchTestAccess.polled(bracketed, running);
        clock.advance(Duration.ofMillis(400));
        TaskWatchTestAccess.polled(bracketed, ended);
        assertThat(bracketed.getDurationMillis()).as("between the running poll (2.0 s) and the ended one (2.4 s)")
                .isEqualTo(2200);
        // the first poll already saw the end: in that poll's second half, counted a little early
        TaskWatch unbracketed = watch(Duration.ofMillis(2400), PollPlan.UNKNOWN);
        TaskWatchTestAccess.polled(unbracketed, ended);
        assertThat(unbracketed.getDurationMillis()).isEqualTo(1800);
    }

    @Test
    void theProvidersProgressSaysHowLongIsLeft() {
        TaskWatch watch = watch(Duration.ofSeconds(4), PollPlan.UNKNOWN);
        ScenarioMapping scenario = new ScenarioMapping(new ProviderSettings("scenario", "https://example.invalid", "k",
                "s", "m", false, 3));
        TaskWatchTestAccess.polled(watch, scenario.readPoll(new HttpAnswer(200, Map.of(),
                "{\"job\": {\"status\": \"in-progress\", \"progress\": 0.5}}")));
        // 4 s for half the work: 4 s more, polled a little early (at 90 %)
        assertThat(watch.getNextDelayMillis()).isEqualTo(3600);
    }
}
