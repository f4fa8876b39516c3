package io.goldfinch.quality;

import io.goldfinch.aggregation.Calibration;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PosteriorTemperatureTest {

    @Test
    void temperedAccuraciesGiveExactlyTheTemperedPosterior() {
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 200; round++) {
            int k = 2 + random.nextInt(4);
            int n = 1 + random.nextInt(8);
            double beta = 0.1 + random.nextDouble() * 1.4;
            int[] labels = new int[n];
            double[] acc = new double[n];
            double[] tempered = new double[n];
            for (int i = 0; i < n; i++) {
                labels[i] = random.nextInt(k);
                acc[i] = 0.2 + random.nextDouble() * 0.7;
                tempered[i] = PosteriorTemperature.accuracy(acc[i], k, beta);
            }
            double[] expected = Calibration.temper(OneCoinPosterior.posterior(k, labels, acc, null), k, beta, null);
            double[] actual = OneCoinPosterior.posterior(k, labels, tempered, null);
            for (int c = 0; c < k; c++) {
                assertThat(actual[c]).isCloseTo(expected[c], within(1e-9));
            }
        }
    }

    @Test
    void temperingMovesAccuracyTowardsChanceOrAwayFromIt() {
        assertThat(PosteriorTemperature.accuracy(0.8, 2, 1)).isEqualTo(0.8);
        assertThat(PosteriorTemperature.accuracy(0.8, 2, 0.5)).isCloseTo(2.0 / 3, within(1e-12)); // odds 4 -> 2
        assertThat(PosteriorTemperature.accuracy(0.8, 2, 2)).isCloseTo(16.0 / 17, within(1e-12)); // odds 4 -> 16
        assertThat(PosteriorTemperature.accuracy(0.5, 3, 0.3)).isBetween(1.0 / 3, 0.5);
        assertThat(PosteriorTemperature.accuracy(0.25, 4, 0.3)).isCloseTo(0.25, within(1e-12)); // chance stays chance
    }

    @Test
    void overconfidentWorkersAreFittedBelowOneAndHonestOnesNearOne() {
        // Workers whose gold records say 0.9, answering golds right 0.7 of the time: the one-coin posterior says far more
        // than it knows, and the fit flattens it. Workers right as often as their records say are left nearly alone.
        double overconfident = PosteriorTemperature.fit(golds(0.9, 0.7, 300, 5, 11), 2, 5);
        double honest = PosteriorTemperature.fit(golds(0.8, 0.8, 300, 5, 12), 2, 5);
        assertThat(overconfident).isBetween(0.2, 0.6);
        assertThat(honest).isCloseTo(1.0, within(0.15));
        // Tempered, the overconfident crowd's prefixes are calibrated: mean confidence close to the share right.
        List<ClosingReplay.Gold> check = PosteriorTemperature.temper(golds(0.9, 0.7, 3000, 5, 13), 2, overconfident);
        double stated = 0;
        double right = 0;
        int rows = 0;
        for (ClosingReplay.Gold g : check) {
            double[] log = new double[2];
            for (ClosingReplay.Answer a : g.answers()) {
                OneCoinPosterior.addAnswer(log, a.label(), a.accuracy());
                double[] p = OneCoinPosterior.normalise(log);
                int best = OneCoinPosterior.argmax(p);
                stated += p[best];
                right += best == g.key() ? 1 : 0;
                rows++;
            }
        }
        assertThat(stated / rows).isCloseTo(right / rows, within(0.02));
    }

    @Test
    void tooFewGoldsLeaveThePosteriorAsItIs() {
        List<ClosingReplay.Gold> few = golds(0.9, 0.6, PosteriorTemperature.MIN_GOLDS - 1, 5, 3);
        assertThat(PosteriorTemperature.fit(few, 2, 5)).isEqualTo(1.0);
        List<ClosingReplay.Gold> padded = new ArrayList<>(few);
        padded.add(new ClosingReplay.Gold(0, List.of())); // a gold no one answered does not count
        assertThat(PosteriorTemperature.fit(padded, 2, 5)).isEqualTo(1.0);
        padded.add(few.get(0));
        assertThat(PosteriorTemperature.fit(padded, 2, 5)).isLessThan(1.0);
        assertThat(PosteriorTemperature.temper(few, 2, 1)).isSameAs(few);
    }

    /** Golds of two classes, each answered {@code answers} times by workers of this stated and true accuracy. */
    private static List<ClosingReplay.Gold> golds(double stated, double actual, int n, int answers, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<ClosingReplay.Gold> out = new ArrayList<>();
        for (int g = 0; g < n; g++) {
            int key = random.nextInt(2);
            List<ClosingReplay.Answer> list = new ArrayList<>();
            for (int a = 0; a < answers; a++) {
                list.add(new ClosingReplay.Answer(random.nextDouble() < actual ? key : 1 - key, stated));
            }
            out.add(new ClosingReplay.Gold(key, list));
        }
        return out;
    }
}
