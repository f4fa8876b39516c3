package io.goldfinch.quality;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ClosingReplayTest {

    private static ClosingReplay.Gold gold(int key, int... labels) {
        List<ClosingReplay.Answer> answers = new ArrayList<>();
        for (int l : labels) {
            answers.add(new ClosingReplay.Answer(l, 0.8));
        }
        return new ClosingReplay.Gold(key, answers);
    }

    @Test
    void goldsCloseWhereItemsWouldAndSayHowOftenTheTargetHolds() {
        // Accuracy 0.8, two classes: two agreeing answers give 0.941, three 0.985; a split pair gives 0.5.
        List<ClosingReplay.Gold> golds = List.of(
                gold(0, 0, 0, 1),        // closes at 2 answers (0.941 >= 0.9), right; the third answer is never bought
                gold(1, 0, 0),           // closes at 2, wrong: the crowd agreed on the wrong label
                gold(0, 0, 1, 0, 0),     // 1/1 split, then 0.8 below target, closes at the maximum 3 answers: right
                gold(1, 1),              // one answer: still open
                gold(0));                // no answers: not replayed
        ClosingReplay.Report r = ClosingReplay.replay(golds, 2, 2, 3, 0.9);
        assertThat(r.golds()).isEqualTo(4);
        assertThat(r.closedAtTarget()).isEqualTo(2);
        assertThat(r.rightAtTarget()).isEqualTo(1);
        assertThat(r.statedAtTarget()).isCloseTo(0.64 / (0.64 + 0.04), within(1e-9));
        assertThat(r.accuracyAtTarget()).isEqualTo(0.5);
        assertThat(r.closedAtMax()).isEqualTo(1);
        assertThat(r.rightAtMax()).isEqualTo(1);
        assertThat(r.stillOpen()).isEqualTo(1);
        assertThat(r.answersPerClosed()).isCloseTo(7.0 / 3, within(1e-9));
        assertThat(r.accuracyLow()).isLessThan(0.5);
        assertThat(r.accuracyHigh()).isGreaterThan(0.5);
        assertThat(r.belowTarget(0.9)).as("two golds cannot show it").isFalse();
        assertThat(r.accuracyClosed()).isCloseTo(2.0 / 3, within(1e-9));

        // At 0.95 the two agreeing answers (0.941) no longer close the first two golds: they take a third answer.
        List<ClosingReplay.Report> ladder = ClosingReplay.ladder(golds, 2, 2, 3, new double[]{0.9, 0.95}, null);
        assertThat(ladder.get(0)).isEqualTo(r);
        ClosingReplay.Report higher = ladder.get(1);
        assertThat(higher.closedAtTarget()).isZero(); // gold 1: 0,0,1 -> 0.8 at the maximum; gold 2: 0,0 and no third answer
        assertThat(higher.closedAtMax()).isEqualTo(2);
        assertThat(higher.stillOpen()).isEqualTo(2);
        assertThat(higher.answersPerClosed()).isEqualTo(3.0);
    }

    @Test
    void manyWrongClosesShowTheTargetIsNotMet() {
        List<ClosingReplay.Gold> golds = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            golds.add(i < 30 ? gold(1, 0, 0) : gold(0, 0, 0));
        }
        ClosingReplay.Report r = ClosingReplay.replay(golds, 2, 2, 5, 0.9);
        assertThat(r.closedAtTarget()).isEqualTo(100);
        assertThat(r.accuracyAtTarget()).isEqualTo(0.7);
        assertThat(r.accuracyHigh()).isLessThan(0.9);
        assertThat(r.belowTarget(0.9)).isTrue();
        assertThat(ClosingReplay.replay(List.of(), 2, 2, 5, 0.9).accuracyAtTarget()).isNaN();
    }

    @Test
    void withALabelValueGoldsAlsoCloseWhereMoreAnswersWouldNotPay() {
        List<ClosingReplay.Gold> golds = List.of(gold(0, 1, 0, 0, 1, 0), gold(0, 0, 0, 0, 0, 0));
        // Labels worth half an answer: every gold closes at its first answer (the first one wrongly).
        ClosingReplay.Report cheap = ClosingReplay.replay(golds, 2, 1, 5, 0.99, new io.goldfinch.matching.OverlapPolicy.Price(5, 10));
        assertThat(cheap.closedByValue()).isEqualTo(2);
        assertThat(cheap.rightByValue()).isEqualTo(1);
        assertThat(cheap.answersPerClosed()).isEqualTo(1.0);
        // Valuable labels: three agreeing answers (0.985) stop short of the 0.99 target, since the two answers left could
        // not turn the label; the split gold takes all five answers.
        ClosingReplay.Report valuable = ClosingReplay.replay(golds, 2, 1, 5, 0.99, new io.goldfinch.matching.OverlapPolicy.Price(1_000_000, 1));
        assertThat(valuable.closedByValue()).isEqualTo(1);
        assertThat(valuable.rightByValue()).isEqualTo(1);
        assertThat(valuable.closedAtMax()).isEqualTo(1);
        assertThat(valuable.closedAtTarget()).isZero();
        assertThat(valuable.answersPerClosed()).isEqualTo(4.0);
        assertThat(valuable.accuracyClosed()).isEqualTo(1.0);
        assertThat(ClosingReplay.replay(golds, 2, 1, 5, 0.99).closedByValue()).isZero();
    }
}
