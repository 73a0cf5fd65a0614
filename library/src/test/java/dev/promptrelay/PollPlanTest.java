package dev.promptrelay;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.promptrelay.provider.HttpAnswer;
import dev.promptrelay.provider.PollPlan;
import dev.promptrelay.provider.ProviderSettings;
import dev.promptrelay.provider.ScenarioMapping;
import dev.promptrelay.provider.TaskEnd;
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
    void nothingKnownUntilATaskHasBeenSeen() {
        assertThat(PollPlan.from(List.of(), 100, 10_000).known()).isFalse();
        TaskWatch watch = watch(Duration.ZERO, PollPlan.UNKNOWN);
        assertThat(watch.getNextDelayMillis()).isEqualTo(1000);
        // a model's very first tasks: each poll a fifth later than the last, so the first end is seen soon
        TaskWatch running = watch(Duration.ofSeconds(1), PollPlan.UNKNOWN);
        TaskWatchTestAccess.polled(running, "{\"task_status\": \"RUNNING\"}");
        assertThat(running.getNextDelayMillis()).as("a fifth of its age").isBetween(180L, 220L);
        TaskWatch older = watch(Duration.ofSeconds(30), PollPlan.UNKNOWN);
        TaskWatchTestAccess.polled(older, "{\"task_status\": \"RUNNING\"}");
        assertThat(older.getNextDelayMillis()).isBetween(5400L, 6600L);
    }

    @Test
    void equalDurationsGiveOnePollJustAfterTheEnd() {
        PollPlan plan = PollPlan.from(java.util.Collections.nCopies(8, 4000L), 25, 10_000);
        assertThat(plan.minStepMillis()).as("1 % of the typical duration").isEqualTo(40);
        assertThat(plan.firstPollMillis()).as("half a step after").isEqualTo(4020);
        assertThat(plan.nextPollMillis(4020)).as("slower than every task seen").isEqualTo(-1);
        TaskWatch watch = watch(Duration.ZERO, plan);
        assertThat(watch.getNextDelayMillis()).isEqualTo(4020);
        // a task slower than every one seen: a tenth of its age, not the last step, then backing off from there
        TaskWatch late = watch(Duration.ofMillis(4030), plan);
        TaskWatchTestAccess.polled(late, "{\"task_status\": \"RUNNING\"}");
        assertThat(late.getNextDelayMillis()).isEqualTo(403);
        TaskWatchTestAccess.polled(late, "{\"task_status\": \"RUNNING\"}");
        assertThat(late.getNextDelayMillis()).as("then backing off").isBetween(544L, 666L);
    }

    @Test
    void spreadDurationsGivePollsWhereTasksUsuallyEndAndFewWhereTheyRarelyDo() {
        // ten tasks: most end near 1 s, a few run to 5 s
        PollPlan plan = PollPlan.from(List.of(900L, 950L, 1000L, 1000L, 1050L, 1100L, 1200L, 3000L, 4000L, 5000L),
                25, 10_000);
        List<Long> polls = new java.util.ArrayList<>(List.of(plan.firstPollMillis()));
        for (long next = plan.nextPollMillis(polls.get(0)); next >= 0; next = plan.nextPollMillis(next)) {
            polls.add(next);
        }
        assertThat(polls.get(0)).as("about where the first tasks ended").isBetween(700L, 1100L);
        // seven of ten ended by 1.2 s: three polls by 1.35 s; the three between 3 and 5 s are far sparser
        assertThat(polls.stream().filter(p -> p <= 1350)).as(polls.toString()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(meanGap(polls, 0, 1350)).as(polls.toString()).isLessThan(meanGap(polls, 3000, 8000) / 2);
        assertThat(polls.get(polls.size() - 1)).as("until after the slowest").isGreaterThan(5000);
        assertThat(plan.nextPollMillis(polls.get(polls.size() - 1))).isEqualTo(-1);
    }

    @Test
    void onFreshTasksLikeTheOnesSeenThePlanFindsEndsSoonWithFewPolls() {
        // log-normal durations, as many providers' are: plans from 50 of them, each tried on 200 others
        for (double sigma : new double[] {0.3, 0.5}) {
            long delays = 0;
            long polls = 0;
            int tasks = 0;
            for (int seed = 0; seed < 10; seed++) {
                java.util.Random random = new java.util.Random(seed);
                List<Long> seen = java.util.stream.Stream.generate(() -> draw(random, sigma)).limit(50).toList();
                PollPlan plan = PollPlan.from(seen, 25, 10_000);
                for (int t = 0; t < 200; t++, tasks++) {
                    long duration = draw(random, sigma);
                    TaskWatch watch = watch(Duration.ZERO, plan);
                    long at = 0;
                    while (true) {
                        at += watch.getNextDelayMillis();
                        polls++;
                        if (at >= duration) {
                            break;
                        }
                        clock.advance(Duration.ofMillis(watch.getNextDelayMillis()));
                        TaskWatchTestAccess.polled(watch, "{\"task_status\": \"RUNNING\"}");
                    }
                    delays += at - duration;
                    clock.advance(Duration.ofSeconds(60));
                }
            }
            assertThat(polls / (double) tasks).as("polls per task, sigma " + sigma).isLessThanOrEqualTo(5);
            // the plan this replaced: 3.7 polls and 230 ms at sigma 0.3 in the benchmark
            assertThat(delays / (double) tasks).as("mean ms from the end to the poll that sees it, sigma " + sigma)
                    .isLessThan(sigma < 0.4 ? 0.075 * 2000 : 0.11 * 2000);
        }
    }

    private static double meanGap(List<Long> polls, long from, long to) {
        List<Long> within = polls.stream().filter(p -> p >= from && p <= to).toList();
        return (within.get(within.size() - 1) - within.get(0)) / (double) (within.size() - 1);
    }

    private static long draw(java.util.Random random, double sigma) {
        return Math.round(2000 * Math.exp(sigma * random.nextGaussian() - sigma * sigma / 2));
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

    @Test
    void aModelsFirstEndsGiveAPlanAroundThemCorrectedByTheTasksStillRunning() {
        PollPlan one = PollPlan.from(List.of(2000L), List.of(), null, 25, 10_000);
        assertThat(one.known()).isTrue();
        assertThat(one.settled()).as("taken again at each poll while few ends are known").isFalse();
        assertThat(one.firstPollMillis()).as("before the one end seen").isBetween(1000L, 2000L);
        List<Long> polls = new java.util.ArrayList<>(List.of(one.firstPollMillis()));
        for (long next = one.nextPollMillis(polls.get(0)); next > 0; next = one.nextPollMillis(next)) {
            polls.add(next);
        }
        assertThat(polls.size()).as("polls around it: " + polls).isBetween(4, 20);
        assertThat(polls.stream().filter(p -> p > 1600 && p < 2500).count()).as("most of them near it: " + polls)
                .isGreaterThanOrEqualTo(3);
        // the quickest of four: three others still run at 2.4 s, so the model's tasks take longer than 2 s
        PollPlan corrected = PollPlan.from(List.of(2000L), List.of(2400L, 2400L, 2400L), null, 25, 10_000);
        assertThat(corrected.firstPollMillis()).isGreaterThan(one.firstPollMillis());
        assertThat(PollPlan.from(java.util.Collections.nCopies(8, 2000L), 25, 10_000).settled()).isTrue();
    }

    @Test
    void aProviderThatBecameSlowerIsPlannedFromItsNewestEndsAlone() {
        java.util.Random random = new java.util.Random(7);
        Instant at = clock.instant();
        List<TaskEnd> steady = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            steady.add(new TaskEnd(Math.round(2000 * Math.exp(0.5 * random.nextGaussian())), at.minusSeconds(100 + i)));
        }
        PollPlan.Pace same = PollPlan.currentPace(steady, null);
        assertThat(same.durations()).as("a wide spread alone is no change").hasSize(50);
        assertThat(same.changedAt()).isNull();
        List<TaskEnd> doubled = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            doubled.add(new TaskEnd(Math.round(4000 * Math.exp(0.3 * random.nextGaussian())), at.minusSeconds(i)));
        }
        doubled.addAll(steady.subList(0, 40));
        PollPlan.Pace changed = PollPlan.currentPace(doubled, null);
        assertThat(changed.durations()).as("the ten newest, twice as slow").hasSize(10);
        assertThat(changed.changedAt()).isEqualTo(at.minusSeconds(9));
        assertThat(changed.change()).isGreaterThan(1.8);
        // found while two of the ten newest ends are still of the old pace: the change is placed after them
        List<TaskEnd> midway = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            midway.add(new TaskEnd(4000 + 100 * i, at.minusSeconds(i)));
        }
        midway.addAll(List.of(new TaskEnd(2100, at.minusSeconds(10)), new TaskEnd(1900, at.minusSeconds(11))));
        midway.addAll(steady.subList(0, 40));
        PollPlan.Pace early = PollPlan.currentPace(midway, null);
        assertThat(early.durations()).as("the eight newest").hasSize(8);
        assertThat(early.changedAt()).isEqualTo(at.minusSeconds(7));
        PollPlan plan = PollPlan.from(changed.durations(), 25, 10_000);
        assertThat(plan.firstPollMillis()).as("no poll wasted where tasks no longer end").isGreaterThan(2500);
        // twenty newer ends later the old pace still fills most of the window, but no longer counts
        List<TaskEnd> later = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            later.add(new TaskEnd(Math.round(4000 * Math.exp(0.3 * random.nextGaussian())), at.plusSeconds(20 - i)));
        }
        later.addAll(doubled.subList(0, 30));
        PollPlan.Pace kept = PollPlan.currentPace(later, changed.changedAt());
        assertThat(kept.durations()).as("the thirty ends since the change").hasSize(30);
        assertThat(kept.change()).as("found once").isNaN();
        assertThat(PollPlan.currentPace(later, null).durations()).as("without the change kept, the window mixes both")
                .hasSize(50);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} times as long")
    @org.junit.jupiter.params.provider.ValueSource(doubles = {2.0, 0.5})
    void afterTheProviderChangedPaceItsTasksAreFoundAsSoonAsBeforeWithinTwentyTasks(double factor) {
        // a warm history of 50 ends at 2 s (sigma 0.3), then tasks one after another, twice as slow (or twice as
        // quick) from the 21st
        double[] delayShare = new double[100];
        double[] polls = new double[100];
        int seeds = 10;
        for (int seed = 0; seed < seeds; seed++) {
            java.util.Random random = new java.util.Random(seed);
            Instant at = clock.instant();
            java.util.LinkedList<TaskEnd> newestFirst = new java.util.LinkedList<>();
            for (int i = 0; i < 50; i++) {
                newestFirst.addFirst(new TaskEnd(draw(random, 0.3), at = at.plusSeconds(3)));
            }
            Instant changedAt = null;
            for (int task = 0; task < 100; task++) {
                PollPlan.Pace pace = PollPlan.currentPace(newestFirst.subList(0, 50), changedAt);
                changedAt = pace.changedAt();
                PollPlan plan = PollPlan.from(pace.durations(), 25, 10_000);
                long duration = Math.round(draw(random, 0.3) * (task < 20 ? 1 : factor));
                TaskWatch watch = watch(Duration.ZERO, plan);
                long polledAt = 0;
                while (true) {
                    long step = watch.getNextDelayMillis();
                    polledAt += step;
                    polls[task]++;
                    if (polledAt >= duration) {
                        break;
                    }
                    clock.advance(Duration.ofMillis(step));
                    TaskWatchTestAccess.polled(watch, "{\"task_status\": \"RUNNING\"}");
                }
                delayShare[task] += (polledAt - duration) / (double) duration;
                newestFirst.addFirst(new TaskEnd(duration, at = at.plusSeconds(5)));
                clock.advance(Duration.ofSeconds(60));
            }
        }
        double before = java.util.Arrays.stream(delayShare, 0, 20).sum() / (20.0 * seeds);
        double settled = java.util.Arrays.stream(delayShare, 40, 60).sum() / (20.0 * seeds);
        double pollsSettled = java.util.Arrays.stream(polls, 40, 60).sum() / (20.0 * seeds);
        // tasks 21 to 40 after the change: their ends are seen as soon (for their length) and as cheaply as before
        assertThat(settled).as("share of its duration a task's end waits for a poll, tasks 21-40 after the change, "
                                + "against " + before + " before it").isLessThan(before * 1.25);
        assertThat(pollsSettled).as("polls per task, tasks 21-40 after the change").isLessThanOrEqualTo(5.0);
    }

    @Test
    void aModelNeverRunIsFirstPolledAroundItsTypicalDurationAndLaterThanItWhileItsTasksRunLonger() {
        PollPlan.Prior twenty = new PollPlan.Prior(20_000, 0.5, "a test");
        PollPlan plan = PollPlan.from(List.of(), List.of(), twenty, 25, 10_000);
        assertThat(plan.known()).isTrue();
        assertThat(plan.settled()).isFalse();
        List<Long> polls = new java.util.ArrayList<>(List.of(plan.firstPollMillis()));
        for (long next = plan.nextPollMillis(polls.get(0)); next > 0; next = plan.nextPollMillis(next)) {
            polls.add(next);
        }
        // from 1 s, polls a fifth apart would take 17 to reach 20 s
        assertThat(polls.get(0)).as("no poll long before such a task can end: " + polls).isGreaterThan(5000);
        assertThat(polls.stream().filter(p -> p <= 40_000).count()).as("polls up to twice the typical duration: " + polls)
                .isBetween(3L, 12L);
        // four tasks still running at 45 s: the model is slower than said, and the plan moves out
        PollPlan slower = PollPlan.from(List.of(), List.of(45_000L, 45_000L, 45_000L, 45_000L), twenty, 25, 10_000);
        assertThat(slower.nextPollMillis(45_000)).as("polls planned past 45 s").isGreaterThan(45_000);
        // its own ends weigh more than the figure as they come in
        PollPlan quick = PollPlan.from(List.of(2000L, 2100L, 1900L), List.of(), twenty, 25, 10_000);
        assertThat(quick.firstPollMillis()).as("around its three ends of 2 s").isBetween(1000L, 3000L);
        assertThat(PollPlan.from(List.of(), List.of(), null, 25, 10_000).known()).as("nothing said, nothing seen")
                .isFalse();
    }
}
