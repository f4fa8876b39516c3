package io.goldfinch.matching;

import io.goldfinch.quality.OneCoinPosterior;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AnswerValueTest {

    /**
     * Reference for a plan fixed in advance (what the induction must never do worse than): E[max posterior] after
     * {@code more} answers by a worker of accuracy {@code accuracy} (right with that
     * probability, otherwise any wrong label alike), the answers drawn from the current posterior's belief. An
     * accuracy at or below 1/K (answers that say nothing, or worse) adds nothing: it is taken as 1/K.
     */
    static double expectedAccuracy(double[] posterior, double accuracy, int more) {
        int k = posterior.length;
        if (k < 2) {
            throw new IllegalArgumentException("need at least 2 classes");
        }
        if (more < 0) {
            throw new IllegalArgumentException("more must not be negative");
        }
        if (more == 0) {
            return java.util.Arrays.stream(posterior).max().orElseThrow();
        }
        double a = Math.min(1 - 1e-9, Math.max(1.0 / k, accuracy));
        double logRight = Math.log(a);
        double logWrong = Math.log((1 - a) / (k - 1));
        double[] logPrior = new double[k];
        for (int c = 0; c < k; c++) {
            logPrior[c] = Math.log(posterior[c]);
        }
        double[] logFactorial = new double[more + 1];
        for (int i = 1; i <= more; i++) {
            logFactorial[i] = logFactorial[i - 1] + Math.log(i);
        }
        return sum(new int[k], 0, more, more, logPrior, logRight, logWrong, logFactorial);
    }

    /** Sums over count vectors: classes before {@code c} are fixed, {@code left} answers remain to place. */
    private static double sum(int[] counts, int c, int left, int m, double[] logPrior, double logRight, double logWrong, double[] logFactorial) {
        int k = counts.length;
        if (c == k - 1) {
            counts[c] = left;
            double logCoefficient = logFactorial[m];
            double best = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                logCoefficient -= logFactorial[counts[j]];
                // P(these counts and class j) = coefficient x pi_j x a^{n_j} x b^{m - n_j}; the label is the j that maximises it.
                best = Math.max(best, logPrior[j] + counts[j] * logRight + (m - counts[j]) * logWrong);
            }
            return best == Double.NEGATIVE_INFINITY ? 0 : Math.exp(logCoefficient + best);
        }
        double total = 0;
        for (int n = 0; n <= left; n++) {
            counts[c] = n;
            total += sum(counts, c + 1, left - n, m, logPrior, logRight, logWrong, logFactorial);
        }
        return total;
    }

    @Test
    void oneAnswerOnAnOpenBinaryItemIsWorthTheWorkersAccuracy() {
        // From 50/50, one answer of a 0.8 worker gives a posterior of 0.8 on whatever it says: right 80% of the time.
        assertThat(expectedAccuracy(new double[]{0.5, 0.5}, 0.8, 1)).isCloseTo(0.8, within(1e-12));
        // Two answers: agreeing (0.68 of the time) gives 16/17; disagreeing leaves 50/50, right half the time.
        double agree = 0.8 * 0.8 + 0.2 * 0.2;
        assertThat(expectedAccuracy(new double[]{0.5, 0.5}, 0.8, 2)).isCloseTo(agree * (0.64 / agree) + (1 - agree) * 0.5, within(1e-12));
        assertThat(expectedAccuracy(new double[]{0.3, 0.7}, 0.8, 0)).isEqualTo(0.7);
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
            assertThat(expectedAccuracy(prior, accuracy, m)).as("m=%d", m).isCloseTo(expected, within(1e-12));
        }
    }

    @Test
    void whenOneAnswerCannotChangeTheLabelTheInductionStillSeesThatMorePay() {
        double[] twoAgreeing = {16.0 / 17, 1.0 / 17};
        assertThat(expectedAccuracy(twoAgreeing, 0.8, 1) - 16.0 / 17).isCloseTo(0, within(1e-12));
        assertThat(expectedAccuracy(twoAgreeing, 0.8, 3)).isGreaterThan(16.0 / 17 + 0.005);
        AnswerValue.Choice choice = AnswerValue.choose(twoAgreeing, 0.8, 5, 10_000, 10);
        assertThat(choice.buy()).isTrue();
        // Deciding after each answer is worth at least any plan fixed in advance: here three more answers.
        double threeMore = 10_000 * expectedAccuracy(twoAgreeing, 0.8, 3) - 30;
        assertThat(choice.continueValue()).isGreaterThanOrEqualTo(threeMore - 1e-9);
        assertThat(choice.stopValue()).isCloseTo(10_000 * 16.0 / 17, within(1e-9));
    }

    @Test
    void withOneAnswerOfRoomTheInductionIsTheOneAnswerGain() {
        double[] p = {0.7, 0.2, 0.1};
        AnswerValue.Choice choice = AnswerValue.choose(p, 0.75, 1, 1_000, 30);
        assertThat(choice.horizon()).isEqualTo(1);
        assertThat(choice.continueValue()).isCloseTo(1_000 * expectedAccuracy(p, 0.75, 1) - 30, within(1e-9));
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

    /**
     * Optimal stopping computed the long way, over every order of future answers, each posterior from
     * {@link OneCoinPosterior}: the worth of buying one more answer and deciding optimally after it.
     */
    private static double buyBySequences(double[] prior, double accuracy, int[] labels, int room, long value, long cost) {
        int k = prior.length;
        double[] post = labels.length == 0 ? prior : OneCoinPosterior.posterior(k, labels, filled(labels.length, accuracy), prior);
        double worth = -cost;
        for (int j = 0; j < k; j++) {
            double pNext = 0;
            for (int c = 0; c < k; c++) {
                pNext += post[c] * (c == j ? accuracy : (1 - accuracy) / (k - 1));
            }
            int[] more = java.util.Arrays.copyOf(labels, labels.length + 1);
            more[labels.length] = j;
            double[] after = OneCoinPosterior.posterior(k, more, filled(more.length, accuracy), prior);
            double stop = value * after[OneCoinPosterior.argmax(after)];
            double best = room == 1 ? stop : Math.max(stop, buyBySequences(prior, accuracy, more, room - 1, value, cost));
            worth += pNext * best;
        }
        return worth;
    }

    private static double[] filled(int n, double v) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, v);
        return out;
    }

    @Test
    void theInductionEqualsOptimalStoppingOverEveryOrderOfAnswers() {
        double[][] priors = {{0.6, 0.4}, {16.0 / 17, 1.0 / 17}, {0.5, 0.3, 0.2}};
        for (double[] prior : priors) {
            for (int room = 1; room <= 4; room++) {
                AnswerValue.Choice choice = AnswerValue.choose(prior, 0.8, room, 1_000, 15);
                assertThat(choice.horizon()).isEqualTo(room);
                assertThat(choice.continueValue()).as("prior %s, room %d", java.util.Arrays.toString(prior), room)
                        .isCloseTo(buyBySequences(prior, 0.8, new int[0], room, 1_000, 15), within(1e-6));
            }
        }
    }
}
