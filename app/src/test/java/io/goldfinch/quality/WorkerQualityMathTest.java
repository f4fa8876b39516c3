package io.goldfinch.quality;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class WorkerQualityMathTest {

    @Test
    void threeRightGoldsDoNotMakeAnyonePerfect() {
        assertThat(WorkerAccuracy.estimate(0, 0)).isEqualTo(0.75);
        assertThat(WorkerAccuracy.estimate(3, 3)).isEqualTo(6.0 / 7.0);
        assertThat(WorkerAccuracy.estimate(300, 300)).isGreaterThan(0.99).isLessThan(1);
        assertThat(WorkerAccuracy.lowerBound(3, 3)).isLessThan(WorkerAccuracy.lowerBound(300, 300));
        assertThatThrownBy(() -> WorkerAccuracy.estimate(4, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void posteriorOfAgreeingGoodWorkersIsConfidentAndSumsToOne() {
        double[] p = OneCoinPosterior.posterior(2, new int[]{1, 1}, new double[]{0.9, 0.9}, null);
        assertThat(p[0] + p[1]).isCloseTo(1, within(1e-12));
        assertThat(p[1]).isCloseTo(81.0 / 82.0, within(1e-12));
        assertThat(OneCoinPosterior.argmax(p)).isEqualTo(1);
    }

    @Test
    void aReliableWorkerOutweighsTwoSpammersAndTheOrderOfAnswersDoesNotMatter() {
        double[] a = OneCoinPosterior.posterior(3, new int[]{0, 2, 2}, new double[]{0.98, 0.4, 0.4}, null);
        double[] b = OneCoinPosterior.posterior(3, new int[]{2, 0, 2}, new double[]{0.4, 0.98, 0.4}, null);
        assertThat(OneCoinPosterior.argmax(a)).isZero();
        for (int k = 0; k < 3; k++) {
            assertThat(a[k]).isCloseTo(b[k], within(1e-12));
        }
    }

    @Test
    void noAnswersGiveThePriorAndExtremeAccuraciesStayFinite() {
        assertThat(OneCoinPosterior.posterior(4, new int[0], new double[0], null)).containsOnly(0.25);
        double[] p = OneCoinPosterior.posterior(2, new int[]{0, 1}, new double[]{1.0, 0.0}, new double[]{0.5, 0.5});
        assertThat(Double.isFinite(p[0]) && Double.isFinite(p[1]) && p[0] > 0 && p[1] > 0).isTrue();
        assertThatThrownBy(() -> OneCoinPosterior.posterior(2, new int[]{2}, new double[]{0.9}, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
