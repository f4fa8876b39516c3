package io.goldfinch.quality;

/**
 * A worker's accuracy from their gold record, Bayesian: a Beta(a, b) prior means three right golds give
 * (3 + a) / (3 + a + b), never 100%. The default prior (3, 1) has mean 0.75: a newcomer is assumed better than chance
 * but far from perfect, and a few golds move the estimate only a little.
 */
public final class WorkerAccuracy {

    public static final double PRIOR_CORRECT = 3;
    public static final double PRIOR_WRONG = 1;

    private WorkerAccuracy() {
    }

    public static double estimate(long goldCorrect, long goldAnswered) {
        if (goldCorrect < 0 || goldAnswered < goldCorrect) {
            throw new IllegalArgumentException("need 0 <= correct <= answered, got " + goldCorrect + "/" + goldAnswered);
        }
        return (goldCorrect + PRIOR_CORRECT) / (goldAnswered + PRIOR_CORRECT + PRIOR_WRONG);
    }

    /** Lower end of the central 90% credible interval, by the normal approximation to the Beta posterior. */
    public static double lowerBound(long goldCorrect, long goldAnswered) {
        return Math.max(0, estimate(goldCorrect, goldAnswered) - 1.645 * sd(goldCorrect, goldAnswered));
    }

    /** Upper end of the central 90% credible interval (same approximation). */
    public static double upperBound(long goldCorrect, long goldAnswered) {
        return Math.min(1, estimate(goldCorrect, goldAnswered) + 1.645 * sd(goldCorrect, goldAnswered));
    }

    private static double sd(long goldCorrect, long goldAnswered) {
        double a = goldCorrect + PRIOR_CORRECT;
        double b = goldAnswered - goldCorrect + PRIOR_WRONG;
        return Math.sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
    }
}
