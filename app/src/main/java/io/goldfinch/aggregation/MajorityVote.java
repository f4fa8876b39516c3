package io.goldfinch.aggregation;

/**
 * Majority vote.
 *
 * <p>Posterior of an item = share of its answers per class (gold items: one-hot on the gold class).
 *
 * <p>Tie-break (documented because on sparse data it moves accuracy by points): among the classes with the most
 * votes, the one given most often in the whole job wins; if that ties too, the lowest class index (order of the
 * job's label set) wins. Deterministic and independent of answer order.
 *
 * <p>Worker confusion matrices are the empirical ones against the soft vote shares, smoothed with half a count per
 * cell so that no entry is 0; class priors are the mean posterior.
 */
public final class MajorityVote implements Aggregator {

  @Override
  public String name() {
    return "mv";
  }

  @Override
  public AggregationResult fit(AnswerSet data, int[] gold) {
    Aggregator.checkGold(data, gold);
    int n = data.items();
    int k = data.classes();
    double[] post = votes(data, gold);
    double[] prior = new double[k];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < k; c++) {
        prior[c] += post[i * k + c];
      }
    }
    double[] overall = overallLabelCounts(data);
    int[] labels = argmax(post, n, k, overall);
    for (int c = 0; c < k; c++) {
      prior[c] = n == 0 ? 1.0 / k : prior[c] / n;
    }
    double[] confusion = empiricalConfusion(data, post, 0.5);
    return new AggregationResult(name(), data, post, labels, confusion, prior, new double[0], 0, true);
  }

  /** Soft majority vote: per item the share of answers per class; gold items one-hot. */
  static double[] votes(AnswerSet data, int[] gold) {
    int n = data.items();
    int k = data.classes();
    int[] wl = data.workerLabel;
    int[] start = data.itemStart;
    double[] post = new double[n * k];
    for (int i = 0; i < n; i++) {
      int base = i * k;
      if (gold[i] >= 0) {
        post[base + gold[i]] = 1.0;
        continue;
      }
      int from = start[i];
      int to = start[i + 1];
      for (int a = from; a < to; a++) {
        post[base + wl[a] % k] += 1.0;
      }
      double inv = 1.0 / (to - from);
      for (int c = 0; c < k; c++) {
        post[base + c] *= inv;
      }
    }
    return post;
  }

  /** How often each class was given in the whole job. */
  static double[] overallLabelCounts(AnswerSet data) {
    int k = data.classes();
    double[] counts = new double[k];
    for (int v : data.workerLabel) {
      counts[v % k] += 1.0;
    }
    return counts;
  }

  /**
   * Per item the class with the highest posterior; ties go to the class with the higher {@code tieBreak} score,
   * then to the lowest index. Exact equality is intended: ties arise from equal vote counts.
   */
  static int[] argmax(double[] post, int n, int k, double[] tieBreak) {
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      int base = i * k;
      int best = 0;
      for (int c = 1; c < k; c++) {
        double p = post[base + c];
        double q = post[base + best];
        if (p > q || (p == q && tieBreak[c] > tieBreak[best])) {
          best = c;
        }
      }
      labels[i] = best;
    }
    return labels;
  }

  /** Row-normalised expected confusion counts {@code [(w*K+truth)*K+answer]} plus {@code smoothing} per cell. */
  static double[] empiricalConfusion(AnswerSet data, double[] post, double smoothing) {
    int k = data.classes();
    int[] wl = data.workerLabel;
    int[] start = data.itemStart;
    double[] m = new double[data.workers() * k * k];
    for (int i = 0; i < data.items(); i++) {
      for (int a = start[i]; a < start[i + 1]; a++) {
        int w = wl[a] / k;
        int l = wl[a] % k;
        for (int t = 0; t < k; t++) {
          m[(w * k + t) * k + l] += post[i * k + t];
        }
      }
    }
    for (int row = 0; row < data.workers() * k; row++) {
      double s = 0;
      for (int l = 0; l < k; l++) {
        m[row * k + l] += smoothing;
        s += m[row * k + l];
      }
      for (int l = 0; l < k; l++) {
        m[row * k + l] /= s;
      }
    }
    return m;
  }
}
