package io.goldfinch.matching;

/**
 * Dynamic overlap and priority, as plain rules.
 * <ul>
 *   <li>An item takes its first {@code overlapMin} answers unconditionally (those leases may run in parallel).</li>
 *   <li>After that it takes one more answer at a time, and only while its posterior is below the confidence target.</li>
 *   <li>It closes when the target is met (with at least {@code overlapMin} answers) or at {@code overlapMax}.</li>
 *   <li>Open items are served lowest score first: those short of their minimum first (fewest answers, then the
 *       most uncertain model prediction), then the least confident.</li>
 * </ul>
 */
public final class OverlapPolicy {

    private OverlapPolicy() {
    }

    /** What to do with an item after an answer. {@code cap} bounds answers plus live leases while it is open. */
    public record Decision(boolean close, int cap) {
    }

    public static Decision decide(int answers, int overlapMin, int overlapMax, double confidence, double target) {
        if (overlapMin < 1 || overlapMax < overlapMin) {
            throw new IllegalArgumentException("need 1 <= overlapMin <= overlapMax");
        }
        if (answers >= overlapMax || (answers >= overlapMin && confidence >= target)) {
            return new Decision(true, answers);
        }
        return new Decision(false, Math.min(overlapMax, Math.max(overlapMin, answers + 1)));
    }

    /** Serving order key; lower is served first. {@code modelUncertainty} may be null. */
    public static double score(int answers, int overlapMin, double confidence, Double modelUncertainty) {
        if (answers < overlapMin) {
            double u = modelUncertainty == null ? 0.5 : Math.min(1, Math.max(0, modelUncertainty));
            return answers + 0.5 * (1 - u);
        }
        return overlapMin + Math.min(1, Math.max(0, confidence));
    }
}
