package io.goldfinch.quality;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuleReplayTest {

    /** Worker 1 always right; worker 2 wrong on every gold; worker 3 right but answers in 1 s; interleaved, 12 answers each. */
    private static List<RuleReplay.Answer> history() {
        List<RuleReplay.Answer> out = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            boolean gold = i % 2 == 0;
            out.add(new RuleReplay.Answer(1, gold, gold, 10, 11));
            out.add(new RuleReplay.Answer(2, gold, false, 10, 11));
            out.add(new RuleReplay.Answer(3, gold, gold, 1, 11));
        }
        return out;
    }

    @Test
    void aWorkerBelowTheMinimumIsStoppedAfterProbationAndHisLaterAnswersAreNotBought() {
        RuleReplay.Outcome o = RuleReplay.replay(history(), new RuleReplay.Rule(0.6, 5, 0, 10));
        // Worker 2's fifth gold is his 9th answer (index 8 of his), answer 3 * 8 + 1 = 25 of the job.
        assertThat(o.stops()).singleElement().satisfies(s -> {
            assertThat(s.worker()).isEqualTo(2);
            assertThat(s.reason()).isEqualTo("accuracy");
            assertThat(s.afterAnswer()).isEqualTo(25);
            assertThat(s.goldAnswered()).isEqualTo(5);
            assertThat(s.goldCorrect()).isZero();
            assertThat(s.goldAccuracy()).isEqualTo(WorkerAccuracy.estimate(0, 5));
            assertThat(s.answersRemoved()).isEqualTo(3);
        });
        assertThat(o.removed()).isEqualTo(3);
        assertThat(o.removedGold()).isEqualTo(1); // his answers 10, 11, 12: one gold (index 10)
        assertThat(o.costSavedMinor()).isEqualTo(33);
        for (int i = 0; i < o.kept().length; i++) {
            assertThat(o.kept()[i]).as("answer %d", i).isEqualTo(!(i % 3 == 1 && i > 25));
        }
    }

    @Test
    void theSpeedLimitStopsAWorkerOnceHisWindowIsFullAndNoRuleStopsNobody() {
        RuleReplay.Outcome o = RuleReplay.replay(history(), new RuleReplay.Rule(0, 5, 3, 4));
        assertThat(o.stops()).singleElement().satisfies(s -> {
            assertThat(s.worker()).isEqualTo(3);
            assertThat(s.reason()).isEqualTo("speed");
            assertThat(s.afterAnswer()).isEqualTo(3 * 3 + 2); // his fourth answer
            assertThat(s.medianSeconds()).isEqualTo(1.0);
            assertThat(s.answersRemoved()).isEqualTo(8);
        });
        RuleReplay.Outcome none = RuleReplay.replay(history(), new RuleReplay.Rule(0, 5, 0, 10));
        assertThat(none.stops()).isEmpty();
        assertThat(none.removed()).isZero();
        assertThat(RuleReplay.replay(List.of(), new RuleReplay.Rule(0.9, 1, 5, 1)).kept()).isEmpty();
    }

    @Test
    void impossibleRulesAreRefused() {
        assertThatThrownBy(() -> new RuleReplay.Rule(1.0, 5, 0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RuleReplay.Rule(-0.1, 5, 0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RuleReplay.Rule(0.5, 0, 0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RuleReplay.Rule(0.5, 5, Double.NaN, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RuleReplay.Rule(0.5, 5, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
