package io.goldfinch.quality;

import io.goldfinch.aggregation.Calibration;

import java.util.List;

/**
 * Makes the online posterior mean what it says. The one-coin posterior ({@link OneCoinPosterior}) treats answers as
 * independent and every wrong label as equally likely; on hard items workers err together and towards the same wrong
 * label, so "0.95" may be right far less often. One inverse temperature {@code beta} is fitted by likelihood on the
 * job's golds replayed as normal items (every prefix of their answers up to the job's maximum overlap, each worker's
 * accuracy from his gold record without that gold): the posteriors {@code q ∝ p^beta} that best predict the keys.
 *
 * <p>Tempering the posterior is tempering each answer's evidence: with a uniform prior, {@code p^beta} is exactly the
 * posterior computed with each worker's accuracy replaced by {@link #accuracy(double, int, double)}. So the engine
 * applies it by tempering accuracies, and dynamic overlap's target and the value rule ({@code AnswerValue}, which
 * models future answers with the same accuracies) both see honest evidence. Plain Java.
 */
public final class PosteriorTemperature {

    /** Fewest golds with answers before a temperature is fitted; with fewer, {@code beta} is 1 (posteriors as they are). */
    public static final int MIN_GOLDS = 20;

    private PosteriorTemperature() {
    }

    /**
     * The inverse temperature fitted on the golds' prefixes of at most {@code maxAnswers} answers, or 1 with fewer
     * than {@link #MIN_GOLDS} golds with answers.
     */
    public static double fit(List<ClosingReplay.Gold> golds, int classes, int maxAnswers) {
        int rows = 0;
        int replayed = 0;
        for (ClosingReplay.Gold g : golds) {
            rows += Math.min(g.answers().size(), maxAnswers);
            replayed += g.answers().isEmpty() ? 0 : 1;
        }
        if (replayed < MIN_GOLDS) {
            return 1;
        }
        double[] posterior = new double[rows * classes];
        int[] truth = new int[rows];
        int r = 0;
        for (ClosingReplay.Gold g : golds) {
            int n = Math.min(g.answers().size(), maxAnswers);
            double[] log = new double[classes];
            for (int j = 0; j < n; j++) {
                OneCoinPosterior.addAnswer(log, g.answers().get(j).label(), g.answers().get(j).accuracy());
                System.arraycopy(OneCoinPosterior.normalise(log), 0, posterior, r * classes, classes);
                truth[r++] = g.key();
            }
        }
        return Calibration.inverseTemperature(posterior, classes, truth);
    }

    /**
     * The accuracy whose one-coin evidence is {@code beta} times that of {@code accuracy}: the right label's odds
     * against each wrong one, {@code p (K - 1) / (1 - p)}, raised to {@code beta}. Beta 1 returns it unchanged; beta
     * below 1 moves it towards chance (1/K), above 1 away from it.
     */
    public static double accuracy(double accuracy, int classes, double beta) {
        if (beta == 1) {
            return accuracy;
        }
        double p = Math.min(OneCoinPosterior.MAX_ACCURACY, Math.max(OneCoinPosterior.MIN_ACCURACY, accuracy));
        double odds = Math.pow(p * (classes - 1) / (1 - p), beta);
        return odds / (odds + classes - 1);
    }

    /** The golds with every answer's accuracy tempered by {@code beta}: the replay the engine's calibrated decisions make. */
    public static List<ClosingReplay.Gold> temper(List<ClosingReplay.Gold> golds, int classes, double beta) {
        if (beta == 1) {
            return golds;
        }
        return golds.stream().map(g -> new ClosingReplay.Gold(g.key(), g.answers().stream()
                .map(a -> new ClosingReplay.Answer(a.label(), accuracy(a.accuracy(), classes, beta))).toList())).toList();
    }
}
