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

    @Test
    void nothingKnownUntilAFewTasksHaveBeenSeen() {
        assertThat(PollPlan.from(List.of(2000L, 2100L), 100, 10_000).known()).isFalse();
        TaskWatch watch = new TaskWatch(Instant.now(), Duration.ofMinutes(1), Duration.ofSeconds(30), 1000, 10_000,
                PollPlan.UNKNOWN);
        assertThat(watch.getNextDelayMillis()).isEqualTo(1000);
        TaskWatchTestAccess.polled(watch, "{\"task_status\": \"RUNNING\"}");
        assertThat(watch.getNextDelayMillis()).as("backing off").isBetween(1350L, 1650L);
    }

    @Test
    void knownDurationsPlaceTheFirstPollAtTheQuickEndAndThenPollOften() {
        PollPlan plan = PollPlan.from(List.of(2000L, 2000L, 2000L, 2000L), 100, 10_000);
        assertThat(plan.stepMillis()).isEqualTo(160);
        assertThat(plan.firstMillis()).isEqualTo(1920);
        TaskWatch watch = new TaskWatch(Instant.now(), Duration.ofMinutes(1), Duration.ofSeconds(30), 1000, 10_000, plan);
        assertThat(watch.getNextDelayMillis()).isBetween(1890L, 1920L);
        TaskWatchTestAccess.polled(watch, "{\"task_status\": \"RUNNING\"}");
        assertThat(watch.getNextDelayMillis()).as("small steps, not backing off").isEqualTo(160);
    }

    @Test
    void theProvidersProgressSaysHowLongIsLeft() {
        TaskWatch watch = new TaskWatch(Instant.now().minusSeconds(4), Duration.ofMinutes(1), Duration.ofSeconds(30),
                1000, 10_000, PollPlan.UNKNOWN);
        ScenarioMapping scenario = new ScenarioMapping(new ProviderSettings("scenario", "https://example.invalid", "k",
                "s", "m", false, 3));
        TaskWatchTestAccess.polled(watch, scenario.readPoll(new HttpAnswer(200, Map.of(),
                "{\"job\": {\"status\": \"in-progress\", \"progress\": 0.5}}")));
        // 4 s for half the work: about 4 s more, polled a little early
        assertThat(watch.getNextDelayMillis()).isBetween(3400L, 3700L);
    }
}
