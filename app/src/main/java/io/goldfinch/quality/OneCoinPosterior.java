package io.goldfinch.quality;

/**
 * The posterior over an item's K labels from its answers, each worker modelled by one accuracy (one-coin): a right
 * answer has probability p, each wrong label (1 - p) / (K - 1). Computed in log space; O(answers x K). This is the
 * online update used while work is running; full aggregation (Dawid-Skene) runs on results.
 */
public final class OneCoinPosterior {

    /** Accuracies are clamped into this range so that no single worker can make a posterior exactly 0 or 1. */
    static final double MIN_ACCURACY = 0.05;
    static final double MAX_ACCURACY = 0.995;

    private OneCoinPosterior() {
    }

    /**
     * @param classes    K, at least 2
     * @param labels     each answer's class index in [0, K)
     * @param accuracies each answer's worker accuracy in (0, 1)
     * @param prior      class prior of length K (positive), or null for uniform
     * @return the posterior, length K, summing to 1
     */
    public static double[] posterior(int classes, int[] labels, double[] accuracies, double[] prior) {
        if (classes < 2) {
            throw new IllegalArgumentException("need at least 2 classes");
        }
        if (labels.length != accuracies.length) {
            throw new IllegalArgumentException("labels and accuracies differ in length");
        }
        double[] log = new double[classes];
        for (int k = 0; k < classes; k++) {
            log[k] = prior == null ? 0 : Math.log(prior[k]);
        }
        for (int i = 0; i < labels.length; i++) {
            addAnswer(log, labels[i], accuracies[i]);
        }
        return normalise(log);
    }

    /** Adds one answer's evidence to unnormalised log probabilities over {@code log.length} classes. */
    public static void addAnswer(double[] log, int label, double accuracy) {
        int classes = log.length;
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException("label index " + label + " outside 0.." + (classes - 1));
        }
        double p = Math.min(MAX_ACCURACY, Math.max(MIN_ACCURACY, accuracy));
        double right = Math.log(p);
        double wrong = Math.log((1 - p) / (classes - 1));
        for (int k = 0; k < classes; k++) {
            log[k] += k == label ? right : wrong;
        }
    }

    /** Probabilities proportional to {@code exp(log)}, summing to 1 (computed without overflow). */
    public static double[] normalise(double[] log) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : log) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] out = new double[log.length];
        for (int k = 0; k < log.length; k++) {
            out[k] = Math.exp(log[k] - max);
            sum += out[k];
        }
        for (int k = 0; k < log.length; k++) {
            out[k] /= sum;
        }
        return out;
    }

    public static int argmax(double[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }
}
