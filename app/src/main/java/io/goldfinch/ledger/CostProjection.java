package io.goldfinch.ledger;

import java.util.Map;

/**
 * What a job will have cost when it ends, from where it stands: what it has paid, what its leased and submitted work
 * will cost, and what its open items are expected to buy. Dynamic overlap closes most items before their maximum, so
 * an open item is expected to end at the mean number of answers the job's closed items took (at least the minimum
 * overlap, and at least one more answer, never beyond the maximum); until enough items have closed to say, at the
 * maximum. Gold tasks come on top at the gold rate, within what is left of the gold budget. Plain arithmetic, no I/O.
 */
public final class CostProjection {

    /** Closed items needed before their mean number of answers is trusted for the rest. */
    public static final int MIN_CLOSED = 20;

    private CostProjection() {
    }

    /** Answers per item the open items are expected to end at. */
    public static double expectedAnswersPerItem(long closedItems, long answersOnClosed, int overlapMin, int overlapMax) {
        if (closedItems < MIN_CLOSED) {
            return overlapMax;
        }
        return Math.min(overlapMax, Math.max(overlapMin, (double) answersOnClosed / closedItems));
    }

    /**
     * Normal tasks the open items are expected to buy: for each, {@code min(max - n, max(1, expected - n))} where n is
     * the answers (and leases) it has. {@code openByAnswers} maps n to the number of open items with n.
     */
    public static long remainingNormalTasks(Map<Integer, Long> openByAnswers, double expected, int overlapMax) {
        double tasks = 0;
        for (Map.Entry<Integer, Long> e : openByAnswers.entrySet()) {
            int n = e.getKey();
            if (n >= overlapMax) {
                continue;
            }
            tasks += e.getValue() * Math.min(overlapMax - n, Math.max(1.0, expected - n));
        }
        return (long) Math.ceil(tasks - 1e-9);
    }

    /** The projected total: paid so far, plus in-flight and expected tasks (golds at the rate, within the budget left). */
    public static long projectedMinor(long spentMinor, long inFlightTasks, long remainingNormal, double goldRate, long goldBudgetLeft,
                                      long perTaskMinor) {
        if (spentMinor < 0 || inFlightTasks < 0 || remainingNormal < 0 || goldBudgetLeft < 0 || perTaskMinor < 0) {
            throw new IllegalArgumentException("amounts and counts cannot be negative");
        }
        long gold = goldRate <= 0 ? 0 : Math.min(goldBudgetLeft, (long) Math.ceil(remainingNormal * goldRate / (1 - goldRate) - 1e-9));
        return Math.addExact(spentMinor, Math.multiplyExact(Math.addExact(Math.addExact(inFlightTasks, remainingNormal), gold), perTaskMinor));
    }
}
