package io.goldfinch.ledger;

/**
 * Fair-pay arithmetic in integer minor units: the effective hourly rate of a job from its reward and the median time
 * workers take per task, and the top-up that brings an accepted task up to a job's hourly floor.
 */
public final class FairPay {

    private FairPay() {
    }

    /** Reward per hour at the median pace, rounded down; null when no task has been timed yet. */
    public static Long effectiveHourlyMinor(long rewardMinor, Double medianSeconds) {
        if (medianSeconds == null || !(medianSeconds > 0)) {
            return null;
        }
        return (long) Math.floor(rewardMinor * 3600.0 / medianSeconds);
    }

    /** What to add to one accepted task so that, at the median pace, it pays the floor; 0 when it already does. */
    public static long topUpMinor(long rewardMinor, Double medianSeconds, Long hourlyFloorMinor) {
        if (hourlyFloorMinor == null || medianSeconds == null || !(medianSeconds > 0)) {
            return 0;
        }
        long due = (long) Math.ceil(hourlyFloorMinor * medianSeconds / 3600.0);
        return Math.max(0, due - rewardMinor);
    }
}
