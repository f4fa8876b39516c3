package io.goldfinch.aggregation;

/**
 * One contract for every aggregation method: encoded answers plus optional gold in, per-item labels and posteriors,
 * per-worker confusion matrices, class priors and the fit trace out.
 */
public interface Aggregator {
  /** Short method name as used on the command line and in {@link AggregationResult#method()}. */
  String name();

  /**
   * Fits the method to one job.
   *
   * @param data the job's answers
   * @param gold per item the known class, or -1; length {@code data.items()}. Gold items are clamped to their class.
   */
  AggregationResult fit(AnswerSet data, int[] gold);

  /** A gold array with no gold at all. */
  static int[] noGold(AnswerSet data) {
    int[] g = new int[data.items()];
    java.util.Arrays.fill(g, -1);
    return g;
  }

  static void checkGold(AnswerSet data, int[] gold) {
    if (gold == null || gold.length != data.items()) {
      throw new IllegalArgumentException("gold array must have one entry per item (" + data.items() + ")");
    }
    for (int i = 0; i < gold.length; i++) {
      if (gold[i] < -1 || gold[i] >= data.classes()) {
        throw new IllegalArgumentException("gold class " + gold[i] + " of item " + i + " is out of range");
      }
    }
  }
}
