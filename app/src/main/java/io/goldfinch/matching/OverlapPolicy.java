package io.goldfinch.matching;

/**
 * Dynamic overlap and priority, as plain rules.
 * <ul>
 *   <li>An item takes its first {@code overlapMin} answers unconditionally (those leases may run in parallel).</li>
 *   <li>After that it takes one more answer at a time, and only while its posterior is below the confidence target.</li>
 *   <li>It closes when the target is met (with at least {@code overlapMin} answers) or at {@code overlapMax}.</li>
 *   <li>Where the job says what a right label is worth ({@link Price}), it also closes, after its minimum, once no
 *       number of further answers is expected to add more accuracy than it costs ({@link AnswerValue}).</li>
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

    /** What a right label is worth to the requester and what one more answer costs him (reward and fee), minor units. */
    public record Price(long labelValueMinor, long answerCostMinor) {
    }

    /**
     * The decision with the value rule: {@code posterior} is the item's online posterior, {@code accuracy} that of the
     * worker the next answer is expected from, {@code price} null where the job sets no label value.
     */
    public static Decision decide(int answers, int overlapMin, int overlapMax, double[] posterior, double accuracy, double target,
                                  Price price) {
        double confidence = 0;
        for (double p : posterior) {
            confidence = Math.max(confidence, p);
        }
        Decision d = decide(answers, overlapMin, overlapMax, confidence, target);
        if (d.close() || price == null || answers < overlapMin
                || AnswerValue.choose(posterior, accuracy, overlapMax - answers, price.labelValueMinor(), price.answerCostMinor()).buy()) {
            return d;
        }
        return new Decision(true, answers);
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
