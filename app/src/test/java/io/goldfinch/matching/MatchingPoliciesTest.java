package io.goldfinch.matching;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The plain matching rules: dynamic overlap, serving order, eligibility and fair job choice. */
class MatchingPoliciesTest {

    @Test
    void anItemTakesItsMinimumThenOneAnswerAtATimeUntilConfidentOrAtMaximum() {
        assertThat(OverlapPolicy.decide(0, 2, 5, 0, 0.95)).isEqualTo(new OverlapPolicy.Decision(false, 2));
        assertThat(OverlapPolicy.decide(1, 2, 5, 0.99, 0.95)).as("confident, but short of the minimum").isEqualTo(new OverlapPolicy.Decision(false, 2));
        assertThat(OverlapPolicy.decide(2, 2, 5, 0.99, 0.95).close()).isTrue();
        assertThat(OverlapPolicy.decide(2, 2, 5, 0.80, 0.95)).isEqualTo(new OverlapPolicy.Decision(false, 3));
        assertThat(OverlapPolicy.decide(5, 2, 5, 0.60, 0.95).close()).as("maximum overlap").isTrue();
        assertThat(OverlapPolicy.decide(3, 3, 3, 0.5, 0.95).close()).as("fixed overlap").isTrue();
        assertThatThrownBy(() -> OverlapPolicy.decide(0, 3, 2, 0, 0.9)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void itemsShortOfTheirMinimumComeFirstThenTheLeastConfident() {
        double fresh = OverlapPolicy.score(0, 2, 0, null);
        double freshUncertainModel = OverlapPolicy.score(0, 2, 0, 0.9);
        double freshConfidentModel = OverlapPolicy.score(0, 2, 0, 0.1);
        double oneAnswer = OverlapPolicy.score(1, 2, 0.7, null);
        double unsure = OverlapPolicy.score(3, 2, 0.6, null);
        double nearlySure = OverlapPolicy.score(3, 2, 0.9, null);
        assertThat(freshUncertainModel).isLessThan(fresh).isLessThan(freshConfidentModel);
        assertThat(freshConfidentModel).isLessThan(oneAnswer);
        assertThat(oneAnswer).isLessThan(unsure);
        assertThat(unsure).isLessThan(nearlySure);
    }

    private static final Eligibility.Requirements OPEN = new Eligibility.Requirements(0, Set.of(), null, null);
    private static final Eligibility.Usage NONE = new Eligibility.Usage(0, 0);

    @Test
    void eligibilityRules() {
        var good = new Eligibility.Worker(false, Set.of("de"), 20, 19);
        var poor = new Eligibility.Worker(false, Set.of(), 20, 10);
        var newcomer = new Eligibility.Worker(false, Set.of(), 2, 0);
        assertThat(Eligibility.check(good, OPEN, NONE)).isEmpty();
        assertThat(Eligibility.check(new Eligibility.Worker(true, Set.of(), 0, 0), OPEN, NONE)).contains("blocked");
        var strict = new Eligibility.Requirements(0.8, Set.of(), null, null);
        assertThat(Eligibility.check(poor, strict, NONE)).contains("accuracy below the job's minimum");
        assertThat(Eligibility.check(newcomer, strict, NONE)).as("probation").isEmpty();
        var german = new Eligibility.Requirements(0, Set.of("de"), null, null);
        assertThat(Eligibility.check(good, german, NONE)).isEmpty();
        assertThat(Eligibility.check(poor, german, NONE)).contains("missing skills");
        var capped = new Eligibility.Requirements(0, Set.of(), 10, 3);
        assertThat(Eligibility.check(good, capped, new Eligibility.Usage(9, 2))).isEmpty();
        assertThat(Eligibility.check(good, capped, new Eligibility.Usage(10, 0))).contains("task cap for this job reached");
        assertThat(Eligibility.check(good, capped, new Eligibility.Usage(4, 3))).contains("daily task cap for this job reached");

        // A job's own probation: two wrong golds stop a newcomer where it asks for only two.
        var quick = new Eligibility.Requirements(0.8, Set.of(), null, null, 0, 1, 2, 0, 10);
        assertThat(Eligibility.check(newcomer, quick, NONE)).contains("accuracy below the job's minimum");
        // A speed limit: a median below it stops the worker; a full window is needed first (NaN until then).
        var paced = new Eligibility.Requirements(0, Set.of(), null, null, 0, 1, 5, 4.0, 10);
        assertThat(Eligibility.check(good, paced, new Eligibility.Usage(9, 9, 0, 0, Double.NaN))).isEmpty();
        assertThat(Eligibility.check(good, paced, new Eligibility.Usage(10, 10, 0, 0, 4.0))).isEmpty();
        assertThat(Eligibility.check(good, paced, new Eligibility.Usage(10, 10, 0, 0, 1.5)))
                .contains("answering faster than the job allows (median 1.5 s over your last 10 answers; the job asks for 4.0 s)");
        assertThat(Eligibility.check(good, OPEN, new Eligibility.Usage(10, 10, 0, 0, 0.1))).as("no speed limit").isEmpty();
    }

    @Test
    void jobChoiceIsFairAcrossRequestersAndOrdersEachRequestersJobsByPriorityThenReward() {
        List<JobChoice.Candidate<String>> jobs = List.of(
                new JobChoice.Candidate<>("big-1", 1, 0, 10), new JobChoice.Candidate<>("big-2", 1, 0, 50),
                new JobChoice.Candidate<>("big-3", 1, 5, 5), new JobChoice.Candidate<>("big-4", 1, 0, 20),
                new JobChoice.Candidate<>("small-1", 2, 0, 1));
        Map<String, Integer> first = new HashMap<>();
        for (int run = 0; run < 2000; run++) {
            List<String> order = JobChoice.order(new ArrayList<>(jobs), new SplittableRandom(run));
            assertThat(order).containsExactlyInAnyOrder("big-1", "big-2", "big-3", "big-4", "small-1");
            List<String> big = order.stream().filter(j -> j.startsWith("big")).toList();
            assertThat(big).containsExactly("big-3", "big-2", "big-4", "big-1");
            first.merge(order.get(0), 1, Integer::sum);
        }
        // A requester with one job is first about half the time, not a fifth of it.
        assertThat(first.get("small-1")).isBetween(850, 1150);
    }
}
