package io.goldfinch.review;

/**
 * How much one requester can hurt one worker's record: rejections of a worker's answers by one requester may make up at
 * most {@code maxShare} of that worker's answers to them; beyond it a quality manager decides. The first rejections of
 * a newcomer are not blocked for arithmetic alone: the share counts at least {@link #MIN_ANSWERS} answers.
 */
public final class RejectionCap {

    public static final int MIN_ANSWERS = 10;

    private RejectionCap() {
    }

    /** @param rejectedAfter rejections including the one being made; @param answers the worker's answers to this requester */
    public static boolean exceeded(long rejectedAfter, long answers, double maxShare) {
        if (rejectedAfter < 0 || answers < 0 || maxShare < 0 || maxShare > 1) {
            throw new IllegalArgumentException("bad cap arguments");
        }
        return rejectedAfter > maxShare * Math.max(answers, MIN_ANSWERS);
    }
}
