package io.goldfinch.matching;

import io.goldfinch.quality.OneCoinPosterior;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AnswerValueTest {

    @Test
    void oneAnswerOnAnOpenBinaryItemIsWorthTheWorkersAccuracy() {
        // From 50/50, one answer of a 0.8 worker gives a posterior of 0.8 on whatever it says: right 80% of the time.
        assertThat(AnswerValue.expectedAccuracy(new double[]{0.5, 0.5}, 0.8, 1)).isCloseTo(0.8, within(1e-12));
        // Two answers: agreeing (0.68 of the time) gives 16/17; disagreeing leaves 50/50, right half the time.
        double agree = 0.8 * 0.8 + 0.2 * 0.2;
        assertThat(AnswerValue.expectedAccuracy(new double[]{0.5, 0.5}, 0.8, 2)).isCloseTo(agree * (0.64 / agree) + (1 - agree) * 0.5, within(1e-12));
        assertThat(AnswerValue.expectedAccuracy(new double[]{0.3, 0.7}, 0.8, 0)).isEqualTo(0.7);
    }

    @Test
    void countEnumerationEqualsEveryOrderOfAnswersReplayedThroughTheOnlinePosterior() {
        double[] prior = {0.5, 0.3, 0.2};
        double accuracy = 0.7;
        for (int m = 1; m <= 5; m++) {
            double expected = 0;
            int sequences = (int) Math.pow(3, m);
            for (int s = 0; s < sequences; s++) {
                int[] labels = new int[m];
                for (int i = 0, x = s; i < m; i++, x /= 3) {
                    labels[i] = x % 3;
                }
                double[] acc = new double[m];
                java.util.Arrays.fill(acc, accuracy);
                double[] post = OneCoinPosterior.posterior(3, labels, acc, prior);
                // P(sequence) under the current belief, and the chance its argmax label is right.
                double p = 0;
                for (int c = 0; c < 3; c++) {
                    double q = prior[c];
                    for (int l : labels) {
                        q *= l == c ? accuracy : (1 - accuracy) / 2;
                    }
                    p += q;
                }
                expected += p * post[OneCoinPosterior.argmax(post)];
            }
            assertThat(AnswerValue.expectedAccuracy(prior, accuracy, m)).as("m=%d", m).isCloseTo(expected, within(1e-12));
        }
    }

    @Test
    void whenOneAnswerCannotChangeTheLabelTheInductionStillSeesThatMorePay() {
        double[] twoAgreeing = {16.0 / 17, 1.0 / 17};
        assertThat(AnswerValue.expectedAccuracy(twoAgreeing, 0.8, 1) - 16.0 / 17).isCloseTo(0, within(1e-12));
        assertThat(AnswerValue.expectedAccuracy(twoAgreeing, 0.8, 3)).isGreaterThan(16.0 / 17 + 0.005);
        AnswerValue.Choice choice = AnswerValue.choose(twoAgreeing, 0.8, 5, 10_000, 10);
        assertThat(choice.buy()).isTrue();
        // Deciding after each answer is worth at least any plan fixed in advance: here three more answers.
        double threeMore = 10_000 * AnswerValue.expectedAccuracy(twoAgreeing, 0.8, 3) - 30;
        assertThat(choice.continueValue()).isGreaterThanOrEqualTo(threeMore - 1e-9);
        assertThat(choice.stopValue()).isCloseTo(10_000 * 16.0 / 17, within(1e-9));
    }

    @Test
    void withOneAnswerOfRoomTheInductionIsTheOneAnswerGain() {
        double[] p = {0.7, 0.2, 0.1};
        AnswerValue.Choice choice = AnswerValue.choose(p, 0.75, 1, 1_000, 30);
        assertThat(choice.horizon()).isEqualTo(1);
        assertThat(choice.continueValue()).isCloseTo(1_000 * AnswerValue.expectedAccuracy(p, 0.75, 1) - 30, within(1e-9));
    }

    @Test
    void anAnswerIsBoughtOnlyWhenTheLabelIsWorthMoreThanItCosts() {
        double[] open = {0.6, 0.4};
        assertThat(AnswerValue.choose(open, 0.85, 4, 1_000, 10).buy()).isTrue(); // a label worth 100 answers
        assertThat(AnswerValue.choose(open, 0.85, 4, 20, 10).buy()).isFalse(); // worth 2 answers: none adds 0.5 accuracy
        assertThat(AnswerValue.choose(open, 0.85, 0, 1_000_000, 1).buy()).isFalse(); // no room left
        assertThat(AnswerValue.choose(open, 0.5, 4, 1_000_000, 1).buy()).isFalse(); // coin-flipping workers add nothing
        assertThat(AnswerValue.choose(new double[]{1, 0}, 0.9, 4, 1_000_000, 1).buy()).isFalse(); // already certain
    }

    @Test
    void manyLabelsShortenTheHorizon() {
        double[] uniform = new double[50];
        java.util.Arrays.fill(uniform, 1.0 / 50);
        AnswerValue.Choice choice = AnswerValue.choose(uniform, 0.9, 100, 1_000_000, 1);
        assertThat(choice.horizon()).isEqualTo(2); // 1 + 50 + 1,275 states two answers ahead, 22,100 more for three
        assertThat(choice.buy()).isTrue();
        assertThat(AnswerValue.choose(new double[]{0.5, 0.5}, 0.9, 100, 1_000_000, 1).horizon()).isEqualTo(61); // 1,953 states
        assertThat(AnswerValue.choose(new double[]{0.2, 0.2, 0.2, 0.2, 0.2}, 0.9, 100, 1_000_000, 1).horizon()).isEqualTo(8); // C(13, 5) = 1,287 states
    }

    @Test
    void thePolicyClosesOnValueOnlyAfterTheMinimum() {
        OverlapPolicy.Price cheapLabels = new OverlapPolicy.Price(5, 10);
        double[] unsure = {0.6, 0.4};
        assertThat(OverlapPolicy.decide(1, 2, 5, unsure, 0.8, 0.95, cheapLabels).close()).isFalse();
        assertThat(OverlapPolicy.decide(2, 2, 5, unsure, 0.8, 0.95, cheapLabels).close()).isTrue();
        assertThat(OverlapPolicy.decide(2, 2, 5, unsure, 0.8, 0.95, null)).isEqualTo(OverlapPolicy.decide(2, 2, 5, 0.6, 0.95));
        OverlapPolicy.Price valuable = new OverlapPolicy.Price(10_000, 10);
        assertThat(OverlapPolicy.decide(2, 2, 5, unsure, 0.8, 0.95, valuable)).isEqualTo(new OverlapPolicy.Decision(false, 3));
        assertThat(OverlapPolicy.decide(3, 2, 5, new double[]{0.97, 0.03}, 0.8, 0.95, valuable).close()).isTrue(); // the target still closes
    }
}
