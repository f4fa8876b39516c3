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

    /** States (count vectors) evaluated per decision, at most: the look-ahead is cut where more would exceed it. */
    static final int BUDGET = 2_000;

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
        // As the online posterior clamps a worker's accuracy (OneCoinPosterior), so that the tabled powers stay finite.
        double a = Math.min(0.995, Math.max(1.0 / k, accuracy));
        Induction induction = new Induction(posterior, a, horizon, labelValueMinor, answerCostMinor, states);
        double buy = induction.continuation(new int[k], 0);
        return new Choice(buy > stop + 1e-9 * Math.max(1, labelValueMinor), stop, buy, horizon);
    }

    /**
     * Backward induction over count vectors of future answers, memoised. With counts {@code c} of future answers, the
     * posterior of class j is proportional to {@code pi_j r^{c_j}}, {@code r = a / b} (the common {@code b^n} cancels);
     * the powers are tabled, so a state costs a few multiplications per class.
     */
    private static final class Induction {
        final double[] prior;
        final double[] power;
        final double right;
        final double wrong;
        final int horizon;
        final double value;
        final double cost;
        /** Count vectors packed into a long, base horizon + 1, where they fit; else kept as arrays. */
        final LongDoubleMap memoPacked;
        final java.util.HashMap<Key, Double> memo;

        Induction(double[] posterior, double a, int horizon, long value, long cost, long states) {
            int k = posterior.length;
            this.prior = posterior.clone();
            this.right = a;
            this.wrong = (1 - a) / (k - 1);
            this.power = new double[horizon + 1];
            power[0] = 1;
            for (int c = 1; c <= horizon; c++) {
                power[c] = power[c - 1] * (right / wrong);
            }
            this.horizon = horizon;
            this.value = value;
            this.cost = cost;
            boolean packs = k * Math.log(horizon + 1.0) < 62 * Math.log(2);
            this.memoPacked = packs ? new LongDoubleMap((int) states) : null;
            this.memo = packs ? null : new java.util.HashMap<>();
        }

        /** Into {@code out}: the posterior after future answers with these counts; returns its maximum. */
        double posterior(int[] counts, double[] out) {
            double sum = 0;
            double top = 0;
            for (int j = 0; j < counts.length; j++) {
                out[j] = prior[j] * power[counts[j]];
                sum += out[j];
                top = Math.max(top, out[j]);
            }
            for (int j = 0; j < counts.length; j++) {
                out[j] /= sum;
            }
            return top / sum;
        }

        /** Worth of deciding optimally with these future counts: the better of stopping and buying one more. */
        double best(int[] counts, int n, double[] scratch) {
            double stop = value * posterior(counts, scratch);
            return n == horizon ? stop : Math.max(stop, continuation(counts, n));
        }

        /** Worth of buying one more answer and then deciding optimally. */
        double continuation(int[] counts, int n) {
            long code = 0;
            Key key = null;
            if (memoPacked != null) {
                for (int c : counts) {
                    code = code * (horizon + 1) + c;
                }
                double known = memoPacked.get(code);
                if (!Double.isNaN(known)) {
                    return known;
                }
            } else {
                key = new Key(counts.clone());
                Double known = memo.get(key);
                if (known != null) {
                    return known;
                }
            }
            int k = counts.length;
            double[] post = new double[k];
            posterior(counts, post);
            double[] scratch = new double[k];
            double worth = -cost;
            for (int j = 0; j < k; j++) {
                double pNext = right * post[j] + wrong * (1 - post[j]);
                counts[j]++;
                worth += pNext * best(counts, n + 1, scratch);
                counts[j]--;
            }
            if (memoPacked != null) {
                memoPacked.put(code, worth);
            } else {
                memo.put(key, worth);
            }
            return worth;
        }
    }

    /** An open-addressing map from long to double (NaN: absent), sized for a known number of entries. */
    private static final class LongDoubleMap {
        final long[] keys;
        final double[] values;
        final int mask;

        LongDoubleMap(int entries) {
            int capacity = Integer.highestOneBit(Math.max(4, entries) * 2 - 1) << 1;
            keys = new long[capacity];
            values = new double[capacity];
            java.util.Arrays.fill(values, Double.NaN);
            mask = capacity - 1;
        }

        private int slot(long key) {
            int i = (int) (key * 0x9E3779B97F4A7C15L >>> 40) & mask;
            while (!Double.isNaN(values[i]) && keys[i] != key) {
                i = (i + 1) & mask;
            }
            return i;
        }

        double get(long key) {
            return values[slot(key)];
        }

        void put(long key, double value) {
            int i = slot(key);
            keys[i] = key;
            values[i] = value;
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
