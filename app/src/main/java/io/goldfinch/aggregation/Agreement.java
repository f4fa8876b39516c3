package io.goldfinch.aggregation;

/**
 * Inter-annotator agreement of a job, from the answers alone (no model, no gold).
 *
 * <p>Only items with at least two answers carry agreement information; others are skipped. Both statistics are
 * NaN when no item has two answers or when all answers in the job carry one label (expected disagreement 0:
 * agreement is undefined, not perfect).
 */
public final class Agreement {
  private Agreement() {}

  /** Both statistics of one job. */
  public record Stats(double krippendorffAlpha, double fleissKappa, int itemsUsed) {}

  public static Stats of(AnswerSet data) {
    return new Stats(krippendorffAlpha(data), fleissKappa(data), itemsWithPairs(data));
  }

  private static int itemsWithPairs(AnswerSet data) {
    int n = 0;
    for (int i = 0; i < data.items(); i++) {
      if (data.answersOn(i) >= 2) {
        n++;
      }
    }
    return n;
  }

  /**
   * Krippendorff's alpha for nominal data: {@code 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k}, with the
   * coincidence matrix {@code o_ck = sum_i n_ic n_ik / (m_i - 1)} (pairs within an item, c != k) over items with
   * {@code m_i >= 2} answers, {@code n_c} the pairable answers per class and {@code n} their total.
   */
  public static double krippendorffAlpha(AnswerSet data) {
    int k = data.classes();
    double[] nc = new double[k];
    double disagreeObserved = 0;
    int[] counts = new int[k];
    for (int i = 0; i < data.items(); i++) {
      int m = data.answersOn(i);
      if (m < 2) {
        continue;
      }
      fill(data, i, counts);
      double same = 0;
      for (int c = 0; c < k; c++) {
        same += (double) counts[c] * (counts[c] - 1);
        nc[c] += counts[c];
      }
      // ordered pairs of different labels = m(m-1) - sum n_c(n_c-1)
      disagreeObserved += ((double) m * (m - 1) - same) / (m - 1);
    }
    double n = 0;
    double sumSq = 0;
    for (double v : nc) {
      n += v;
      sumSq += v * v;
    }
    double disagreeExpected = n * n - sumSq;
    if (n < 2 || disagreeExpected <= 0) {
      return Double.NaN;
    }
    return 1.0 - (n - 1) * disagreeObserved / disagreeExpected;
  }

  /**
   * Fleiss' kappa, generalised to a varying number of answers per item (items with >= 2 answers): per item
   * {@code P_i = sum_c n_ic (n_ic - 1) / (m_i (m_i - 1))}, {@code P = mean P_i}, {@code p_c} the share of class c
   * among their answers, {@code P_e = sum p_c^2}, kappa = {@code (P - P_e) / (1 - P_e)}. Equals the textbook
   * formula when every item has the same number of answers.
   */
  public static double fleissKappa(AnswerSet data) {
    int k = data.classes();
    double[] pc = new double[k];
    int[] counts = new int[k];
    double sumP = 0;
    int items = 0;
    double total = 0;
    for (int i = 0; i < data.items(); i++) {
      int m = data.answersOn(i);
      if (m < 2) {
        continue;
      }
      fill(data, i, counts);
      double same = 0;
      for (int c = 0; c < k; c++) {
        same += (double) counts[c] * (counts[c] - 1);
        pc[c] += counts[c];
      }
      sumP += same / ((double) m * (m - 1));
      total += m;
      items++;
    }
    if (items == 0) {
      return Double.NaN;
    }
    double pe = 0;
    for (double v : pc) {
      pe += (v / total) * (v / total);
    }
    if (pe >= 1.0) {
      return Double.NaN;
    }
    return (sumP / items - pe) / (1.0 - pe);
  }

  private static void fill(AnswerSet data, int item, int[] counts) {
    java.util.Arrays.fill(counts, 0);
    int k = data.classes();
    for (int a = data.itemStart[item]; a < data.itemStart[item + 1]; a++) {
      counts[data.workerLabel[a] % k]++;
    }
  }
}
