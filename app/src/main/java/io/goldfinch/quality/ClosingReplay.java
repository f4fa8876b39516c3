package io.goldfinch.quality;

import io.goldfinch.matching.OverlapPolicy;

import java.util.List;

/**
 * Does the confidence target deliver what it says? Each gold is replayed as if it were a normal item: its answers in
 * the order they came, the online one-coin posterior after each ({@link OneCoinPosterior}, each worker's accuracy from
 * his gold record without this gold), and dynamic overlap's rule ({@link OverlapPolicy}) deciding where it would have
 * closed. The golds that would have closed at the target say how often an item closed "at 95%" is right. Where the job
 * sets a label value, the value rule closes golds too ({@link io.goldfinch.matching.AnswerValue}, the next worker as
 * accurate as the replayed answers' workers on average), counted apart. Plain Java.
 */
public final class ClosingReplay {

    /** One answer to a gold: its label's class, and the worker's gold accuracy estimate without this gold. */
    public record Answer(int label, double accuracy) {
    }

    /** A gold: its key's class and its answers in the order they came. */
    public record Gold(int key, List<Answer> answers) {
    }

    /**
     * @param golds golds replayed (those with at least one answer)
     * @param closedAtTarget golds that would have closed at the target (with at least the minimum answers)
     * @param rightAtTarget of those, how many with the key as label
     * @param statedAtTarget their mean confidence when they closed
     * @param accuracyLow  lower end of the 90% Wilson interval of their share right (NaN without any)
     * @param accuracyHigh upper end of that interval
     * @param closedAtMax golds that would have reached the maximum answers below the target
     * @param rightAtMax of those, how many with the key as label
     * @param stillOpen golds with too few answers to close either way
     * @param answersPerClosed mean answers a closed gold took
     * @param closedByValue golds the value rule would have closed below the target and the maximum (0 without a price)
     * @param rightByValue of those, how many with the key as label
     */
    public record Report(int golds, int closedAtTarget, int rightAtTarget, double statedAtTarget, double accuracyLow, double accuracyHigh,
                         int closedAtMax, int rightAtMax, int stillOpen, double answersPerClosed, int closedByValue, int rightByValue) {
        /** Share of all closed golds (at the target, by value or at the maximum) that were right; NaN without any. */
        public double accuracyClosed() {
            int closed = closedAtTarget + closedAtMax + closedByValue;
            return closed == 0 ? Double.NaN : (double) (rightAtTarget + rightAtMax + rightByValue) / closed;
        }

        /** Share of the golds closed at the target that were right; NaN without any. */
        public double accuracyAtTarget() {
            return closedAtTarget == 0 ? Double.NaN : (double) rightAtTarget / closedAtTarget;
        }

        /**
         * True when at least {@link #MIN_TO_JUDGE} golds closed at the target and even the interval's upper end is below
         * it: items closed at the target are right less often than it says.
         */
        public boolean belowTarget(double target) {
            return closedAtTarget >= MIN_TO_JUDGE && accuracyHigh < target;
        }
    }

    /** Fewest golds closed at the target before the target is called unmet. */
    public static final int MIN_TO_JUDGE = 10;

    private ClosingReplay() {
    }

    public static Report replay(List<Gold> golds, int classes, int overlapMin, int overlapMax, double target) {
        return replay(golds, classes, overlapMin, overlapMax, target, null);
    }

    /** The replay with the job's price for the value rule ({@code price} null: none). */
    public static Report replay(List<Gold> golds, int classes, int overlapMin, int overlapMax, double target, OverlapPolicy.Price price) {
        double crowd = golds.stream().flatMap(g -> g.answers().stream()).mapToDouble(Answer::accuracy).average().orElse(0);
        int replayed = 0;
        int atTarget = 0;
        int rightAtTarget = 0;
        double stated = 0;
        int atMax = 0;
        int rightAtMax = 0;
        int byValue = 0;
        int rightByValue = 0;
        int open = 0;
        long answersClosed = 0;
        for (Gold g : golds) {
            if (g.answers().isEmpty()) {
                continue;
            }
            replayed++;
            int n = Math.min(g.answers().size(), overlapMax);
            int[] labels = new int[n];
            double[] accuracies = new double[n];
            boolean closed = false;
            for (int i = 0; i < n && !closed; i++) {
                labels[i] = g.answers().get(i).label();
                accuracies[i] = g.answers().get(i).accuracy();
                double[] p = OneCoinPosterior.posterior(classes, java.util.Arrays.copyOf(labels, i + 1), java.util.Arrays.copyOf(accuracies, i + 1), null);
                int best = OneCoinPosterior.argmax(p);
                if (OverlapPolicy.decide(i + 1, overlapMin, overlapMax, p, crowd, target, price).close()) {
                    closed = true;
                    answersClosed += i + 1;
                    boolean right = best == g.key();
                    if (i + 1 >= overlapMin && p[best] >= target) {
                        atTarget++;
                        rightAtTarget += right ? 1 : 0;
                        stated += p[best];
                    } else if (i + 1 >= overlapMax) {
                        atMax++;
                        rightAtMax += right ? 1 : 0;
                    } else {
                        byValue++;
                        rightByValue += right ? 1 : 0;
                    }
                }
            }
            open += closed ? 0 : 1;
        }
        double[] interval = wilson(rightAtTarget, atTarget, 1.645);
        int closedAll = atTarget + atMax + byValue;
        return new Report(replayed, atTarget, rightAtTarget, atTarget == 0 ? Double.NaN : stated / atTarget, interval[0], interval[1], atMax, rightAtMax,
                open, closedAll == 0 ? Double.NaN : (double) answersClosed / closedAll, byValue, rightByValue);
    }

    /** The same golds replayed at each of {@code targets}: what a higher target buys in accuracy, and costs in answers. */
    public static List<Report> ladder(List<Gold> golds, int classes, int overlapMin, int overlapMax, double[] targets, OverlapPolicy.Price price) {
        List<Report> out = new java.util.ArrayList<>(targets.length);
        for (double t : targets) {
            out.add(replay(golds, classes, overlapMin, overlapMax, t, price));
        }
        return out;
    }

    /** Wilson score interval of a share {@code k / n} at {@code z}; NaN bounds when n is 0. */
    static double[] wilson(int k, int n, double z) {
        if (n == 0) {
            return new double[]{Double.NaN, Double.NaN};
        }
        double p = (double) k / n;
        double z2 = z * z;
        double centre = (p + z2 / (2.0 * n)) / (1 + z2 / n);
        double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
        return new double[]{Math.max(0, centre - half), Math.min(1, centre + half)};
    }
}
