package io.goldfinch.matching;

/**
 * Is one more answer on an item worth its price? Value of information under the online one-coin model: an item's
 * label is its posterior's argmax, so the chance that label is right is the posterior's maximum. With a right label
 * worth {@code V} and each answer costing {@code c}, stopping now is worth {@code V x max posterior}; buying one more
 * answer is worth {@code -c} plus, over the labels it may carry, the value of deciding again after it. Solved exactly
 * by backward induction over the counts of the answers still to come (from workers of one accuracy: the next worker's
 * is not known), up to the item's remaining room, so this is the Bayes-optimal stopping rule under that model.
 *
 * <p>Looking one answer ahead is not enough: when one answer cannot change the label (two agreeing votes against
 * one), its gain is exactly zero, though two more may well pay; the induction sees that. The states are the count
 * vectors of future answers, C(m + K - 1, K - 1) of them m answers ahead; they are bounded by {@link #BUDGET} per
 * decision (with many labels the horizon is shorter and the answers beyond it count as not bought). Plain Java.
 */
public final class AnswerValue {

    /** States (count vectors) evaluated per decision, at most. */
    static final int BUDGET = 20_000;

    /**
     * The choice: buy or stop, what stopping is worth now ({@code V x max posterior}), what buying and then deciding
     * optimally is worth (minus the answers' cost; NaN with no room), and how many answers ahead it looked.
     */
    public record Choice(boolean buy, double stopValue, double continueValue, int horizon) {
    }

    private AnswerValue() {
    }

    /**
     * Whether to buy one more answer, by a worker of accuracy {@code accuracy}, on an item with this posterior and
     * room for {@code room} more answers, a right label being worth {@code labelValueMinor} and each answer costing
     * {@code answerCostMinor}.
     */
    public static Choice choose(double[] posterior, double accuracy, int room, long labelValueMinor, long answerCostMinor) {
        if (labelValueMinor < 0 || answerCostMinor < 0) {
            throw new IllegalArgumentException("value and cost must not be negative");
        }
        int k = posterior.length;
        if (k < 2) {
            throw new IllegalArgumentException("need at least 2 classes");
        }
        double stop = labelValueMinor * max(posterior);
        int horizon = 0;
        long states = 1;
        while (horizon < room) {
            long next = states + vectors(horizon + 1, k);
            if (horizon >= 1 && next > BUDGET) {
                break;
            }
            states = next;
            horizon++;
        }
        if (horizon == 0) {
            return new Choice(false, stop, Double.NaN, 0);
        }
        double a = Math.min(1 - 1e-9, Math.max(1.0 / k, accuracy));
        Induction induction = new Induction(posterior, a, horizon, labelValueMinor, answerCostMinor);
        double buy = induction.continuation(new int[k], 0);
        return new Choice(buy > stop + 1e-9 * Math.max(1, labelValueMinor), stop, buy, horizon);
    }

    /** Backward induction over count vectors of future answers, memoised. */
    private static final class Induction {
        final double[] logPrior;
        final double logRight;
        final double logWrong;
        final double right;
        final double wrong;
        final int horizon;
        final double value;
        final double cost;
        final java.util.HashMap<Key, Double> memo = new java.util.HashMap<>();

        Induction(double[] posterior, double a, int horizon, long value, long cost) {
            int k = posterior.length;
            this.logPrior = new double[k];
            for (int c = 0; c < k; c++) {
                logPrior[c] = Math.log(posterior[c]);
            }
            this.right = a;
            this.wrong = (1 - a) / (k - 1);
            this.logRight = Math.log(right);
            this.logWrong = Math.log(wrong);
            this.horizon = horizon;
            this.value = value;
            this.cost = cost;
        }

        /** The posterior after future answers with these counts. */
        double[] posterior(int[] counts, int n) {
            int k = counts.length;
            double[] log = new double[k];
            for (int j = 0; j < k; j++) {
                log[j] = logPrior[j] + counts[j] * logRight + (n - counts[j]) * logWrong;
            }
            return io.goldfinch.quality.OneCoinPosterior.normalise(log);
        }

        /** Worth of deciding optimally with these future counts: the better of stopping and buying one more. */
        double best(int[] counts, int n) {
            double stop = value * max(posterior(counts, n));
            return n == horizon ? stop : Math.max(stop, continuation(counts, n));
        }

        /** Worth of buying one more answer and then deciding optimally. */
        double continuation(int[] counts, int n) {
            Key key = new Key(counts.clone());
            Double known = memo.get(key);
            if (known != null) {
                return known;
            }
            double[] post = posterior(counts, n);
            double worth = -cost;
            for (int j = 0; j < counts.length; j++) {
                double pNext = right * post[j] + wrong * (1 - post[j]);
                counts[j]++;
                worth += pNext * best(counts, n + 1);
                counts[j]--;
            }
            memo.put(key, worth);
            return worth;
        }
    }

    private record Key(int[] counts) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && java.util.Arrays.equals(counts, other.counts);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(counts);
        }
    }

    /**
     * E[max posterior] after {@code more} answers by a worker of accuracy {@code accuracy} (right with that
     * probability, otherwise any wrong label alike), the answers drawn from the current posterior's belief. An
     * accuracy at or below 1/K (answers that say nothing, or worse) adds nothing: it is taken as 1/K.
     */
    public static double expectedAccuracy(double[] posterior, double accuracy, int more) {
        int k = posterior.length;
        if (k < 2) {
            throw new IllegalArgumentException("need at least 2 classes");
        }
        if (more < 0) {
            throw new IllegalArgumentException("more must not be negative");
        }
        if (more == 0) {
            return max(posterior);
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

    /** C(m + k - 1, k - 1), saturating at Long.MAX_VALUE / 2. */
    static long vectors(int m, int k) {
        double v = 1;
        for (int i = 1; i < k; i++) {
            v = v * (m + i) / i;
        }
        return v > Long.MAX_VALUE / 2 ? Long.MAX_VALUE / 2 : Math.round(v);
    }

    private static double max(double[] p) {
        double best = 0;
        for (double v : p) {
            best = Math.max(best, v);
        }
        return best;
    }
}
