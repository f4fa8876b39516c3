package io.goldfinch.quality;

/**
 * Gold health: is a gold's answer key right? Each gold keeps the crowd's view of it, built like an item's online
 * posterior: every answer adds its one-coin log-likelihood per label, weighed by the answering worker's accuracy from
 * their gold record before that answer (so a gold never vouches for itself). From that evidence (uniform class prior)
 * come the crowd's label and its confidence.
 *
 * <p>Flags, each needing {@link #MIN_ANSWERS} answers:
 * <ul>
 *   <li>{@link Flag#PROBABLY_WRONG}: the crowd gives another label with confidence at least {@code wrongConfidence}.
 *   <li>{@link Flag#AMBIGUOUS}: otherwise, fewer than {@code ambiguousShare} of the answers match the gold label.
 * </ul>
 * Plain Java: no framework, no SQL.
 */
public final class GoldHealth {

    /** Answers a gold needs before it is judged: fewer say little about the gold and much about who answered. */
    public static final int MIN_ANSWERS = 5;

    public enum Flag { OK, PROBABLY_WRONG, AMBIGUOUS, TOO_FEW_ANSWERS }

    /** The crowd's view of a gold: the label it gives (index into the job's labels), and the posterior of that label. */
    public record CrowdView(int label, double confidence) {
    }

    private GoldHealth() {
    }

    /**
     * One answer's log-likelihood per label under the one-coin model: {@code log(accuracy)} for the label given,
     * {@code log((1 - accuracy) / (k - 1))} for each other one.
     */
    public static double[] answerEvidence(int k, int label, double accuracy) {
        if (k < 2 || label < 0 || label >= k) {
            throw new IllegalArgumentException("need 0 <= label < k and k >= 2, got label " + label + " of " + k);
        }
        if (!(accuracy > 0 && accuracy < 1)) {
            throw new IllegalArgumentException("accuracy must be in (0, 1), got " + accuracy);
        }
        double[] e = new double[k];
        java.util.Arrays.fill(e, Math.log((1 - accuracy) / (k - 1)));
        e[label] = Math.log(accuracy);
        return e;
    }

    /** The crowd's label and confidence from summed evidence; null when there is none. Ties go to the lower index. */
    public static CrowdView view(double[] evidence) {
        if (evidence == null || evidence.length == 0) {
            return null;
        }
        int best = 0;
        for (int k = 1; k < evidence.length; k++) {
            if (evidence[k] > evidence[best]) {
                best = k;
            }
        }
        double sum = 0;
        for (double e : evidence) {
            sum += Math.exp(e - evidence[best]);
        }
        return new CrowdView(best, 1 / sum);
    }

    /**
     * The flag of a gold whose key is label {@code goldLabel}, answered {@code answered} times of which {@code correct}
     * matched the key; {@code crowd} is the crowd's view over {@code crowdAnswers} answers (null when none was folded in).
     */
    public static Flag flag(int goldLabel, long answered, long correct, CrowdView crowd, long crowdAnswers, double wrongConfidence,
                            double ambiguousShare) {
        if (correct < 0 || correct > answered) {
            throw new IllegalArgumentException("need 0 <= correct <= answered, got " + correct + "/" + answered);
        }
        if (crowd != null && crowdAnswers >= MIN_ANSWERS && crowd.label() != goldLabel && crowd.confidence() >= wrongConfidence) {
            return Flag.PROBABLY_WRONG;
        }
        if (answered < MIN_ANSWERS) {
            return Flag.TOO_FEW_ANSWERS;
        }
        return correct < ambiguousShare * answered ? Flag.AMBIGUOUS : Flag.OK;
    }
}
