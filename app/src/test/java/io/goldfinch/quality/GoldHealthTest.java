package io.goldfinch.quality;

import org.junit.jupiter.api.Test;

import static io.goldfinch.quality.GoldHealth.Flag.AMBIGUOUS;
import static io.goldfinch.quality.GoldHealth.Flag.OK;
import static io.goldfinch.quality.GoldHealth.Flag.PROBABLY_WRONG;
import static io.goldfinch.quality.GoldHealth.Flag.TOO_FEW_ANSWERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The gold-health rule alone: evidence per answer, the crowd's view from summed evidence, the flags. */
class GoldHealthTest {

    private static double[] sum(double[]... answers) {
        double[] s = new double[answers[0].length];
        for (double[] a : answers) {
            for (int k = 0; k < s.length; k++) {
                s[k] += a[k];
            }
        }
        return s;
    }

    @Test
    void summedEvidenceGivesTheOneCoinPosterior() {
        // Two workers of accuracy 0.9 say label 1, one of 0.6 says label 0: the same posterior as OneCoinPosterior.
        double[] e = sum(GoldHealth.answerEvidence(3, 1, 0.9), GoldHealth.answerEvidence(3, 1, 0.9), GoldHealth.answerEvidence(3, 0, 0.6));
        GoldHealth.CrowdView view = GoldHealth.view(e);
        double[] p = OneCoinPosterior.posterior(3, new int[]{1, 1, 0}, new double[]{0.9, 0.9, 0.6}, null);
        assertThat(view.label()).isEqualTo(1);
        assertThat(view.confidence()).isCloseTo(p[1], within(1e-12));
        // Large sums stay finite: a thousand agreeing answers.
        double[][] many = new double[1000][];
        java.util.Arrays.fill(many, GoldHealth.answerEvidence(2, 0, 0.99));
        assertThat(GoldHealth.view(sum(many)).confidence()).isEqualTo(1.0);
        assertThat(GoldHealth.view(null)).isNull();
        assertThat(GoldHealth.view(new double[]{0, 0}).label()).isZero();
    }

    @Test
    void flagsAGoldTheCrowdConfidentlyContradictsOrSplitsOn() {
        GoldHealth.CrowdView saysOne = new GoldHealth.CrowdView(1, 0.99);
        GoldHealth.CrowdView unsure = new GoldHealth.CrowdView(1, 0.80);
        GoldHealth.CrowdView agrees = new GoldHealth.CrowdView(0, 0.99);
        assertThat(GoldHealth.flag(0, 6, 0, saysOne, 6, 0.95, 0.5)).isEqualTo(PROBABLY_WRONG);
        assertThat(GoldHealth.flag(0, 6, 2, unsure, 6, 0.95, 0.5)).isEqualTo(AMBIGUOUS);
        assertThat(GoldHealth.flag(0, 6, 3, unsure, 6, 0.95, 0.5)).isEqualTo(OK);
        assertThat(GoldHealth.flag(0, 6, 6, agrees, 6, 0.95, 0.5)).isEqualTo(OK);
        // Too few answers: no judgement, whatever they say.
        assertThat(GoldHealth.flag(0, 4, 0, saysOne, 4, 0.95, 0.5)).isEqualTo(TOO_FEW_ANSWERS);
        // Answers from before the crowd's view was kept count for the share, not for the crowd.
        assertThat(GoldHealth.flag(0, 9, 1, saysOne, 3, 0.95, 0.5)).isEqualTo(AMBIGUOUS);
        assertThat(GoldHealth.flag(0, 9, 1, null, 0, 0.95, 0.5)).isEqualTo(AMBIGUOUS);
    }

    @Test
    void refusesImpossibleInput() {
        assertThatThrownBy(() -> GoldHealth.answerEvidence(1, 0, 0.9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GoldHealth.answerEvidence(2, 2, 0.9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GoldHealth.answerEvidence(2, 0, 1.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GoldHealth.flag(0, 3, 4, null, 0, 0.95, 0.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void settingsOutsideTheirRangeAreRefusedAtStartup() {
        assertThatThrownBy(() -> new GoldHealthService(null, 0.5, 0.5)).hasMessageContaining("wrong-confidence");
        assertThatThrownBy(() -> new GoldHealthService(null, 0.95, 1.5)).hasMessageContaining("ambiguous-share");
        assertThat(new GoldHealthService(null, 1.0, 0.0)).isNotNull();
    }
}
