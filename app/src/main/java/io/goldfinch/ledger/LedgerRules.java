package io.goldfinch.ledger;

/**
 * The money arithmetic of a job, in integer minor units. No floating point touches an amount: the gold rate only
 * decides how many gold tasks are budgeted, and that count is rounded up.
 */
public final class LedgerRules {

    private LedgerRules() {
    }

    /** The platform fee on one task's reward, charged to the requester on top of it; rounded half up. */
    public static long feeMinor(long rewardMinor, int feeBps) {
        if (rewardMinor <= 0) {
            throw new IllegalArgumentException("reward must be positive");
        }
        if (feeBps < 0 || feeBps > 10_000) {
            throw new IllegalArgumentException("fee must be within 0..10000 basis points");
        }
        return Math.floorDiv(Math.addExact(Math.multiplyExact(rewardMinor, feeBps), 5_000L), 10_000L);
    }

    /**
     * Gold tasks to budget so that golds make up {@code goldRate} of all tasks served: g / (n + g) = rate, rounded up,
     * capped by what the golds can supply (each gold at most once per worker, and at most one worker per task).
     */
    public static long goldTasks(long normalTasks, double goldRate, long goldItems) {
        if (goldRate <= 0 || goldItems == 0 || normalTasks == 0) {
            return 0;
        }
        if (goldRate >= 1) {
            throw new IllegalArgumentException("gold rate must be below 1");
        }
        long wanted = (long) Math.ceil(normalTasks * goldRate / (1 - goldRate) - 1e-9);
        long supply = Math.multiplyExact(goldItems, normalTasks); // every task's worker could see every gold once
        return Math.min(wanted, supply);
    }

    /** What publishing a job reserves: every task it may buy, golds included, with the fee. */
    public static Quote quote(long items, int overlapMax, double goldRate, long goldItems, long rewardMinor, int feeBps) {
        return quote(items, overlapMax, goldRate, goldItems, rewardMinor, feeBps, 0);
    }

    /** As above, plus {@code examTasks} exam answers (exam size x the workers whose exams it pays for). */
    public static Quote quote(long items, int overlapMax, double goldRate, long goldItems, long rewardMinor, int feeBps, long examTasks) {
        if (examTasks < 0) {
            throw new IllegalArgumentException("exam tasks cannot be negative");
        }
        long normalTasks = Math.multiplyExact(items, overlapMax);
        long gold = Math.addExact(goldTasks(normalTasks, goldRate, goldItems), examTasks);
        long tasks = Math.addExact(normalTasks, gold);
        long fee = feeMinor(rewardMinor, feeBps);
        return new Quote(normalTasks, gold, rewardMinor, fee, Math.multiplyExact(tasks, rewardMinor),
                Math.multiplyExact(tasks, fee), Math.multiplyExact(tasks, Math.addExact(rewardMinor, fee)));
    }

    /**
     * A running job's gold-task budget after its gold rate changes: what {@link #quote} would budget now (its items,
     * golds in service and exam), never below the gold tasks it has already leased ({@code used}).
     */
    public static long goldBudget(long items, int overlapMax, double goldRate, long goldItems, long examTasks, long used) {
        if (used < 0 || examTasks < 0) {
            throw new IllegalArgumentException("task counts cannot be negative");
        }
        long wanted = Math.addExact(goldTasks(Math.multiplyExact(items, overlapMax), goldRate, goldItems), examTasks);
        return Math.max(wanted, used);
    }

    /** A job's budget, itemised; {@code totalMinor = rewardsMinor + feesMinor}. */
    public record Quote(long normalTasks, long goldTasks, long rewardPerTaskMinor, long feePerTaskMinor,
                        long rewardsMinor, long feesMinor, long totalMinor) {
    }
}
