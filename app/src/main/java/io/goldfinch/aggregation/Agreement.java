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
    return sums(data).stats();
  }

  /**
   * What both statistics need, summed over the items with at least two answers: how many there are, the observed
   * disagreement {@code sum_i (m_i (m_i - 1) - sum_c n_ic (n_ic - 1)) / (m_i - 1)}, the per-item agreement
   * {@code sum_i sum_c n_ic (n_ic - 1) / (m_i (m_i - 1))}, and the answers per class. A database can sum these
   * without reading the answers out ({@code GROUP BY item, label}).
   */
  public record Sums(int items, double observedDisagreement, double itemAgreement, double[] perClass) {

    public Stats stats() {
      return new Stats(alpha(), kappa(), items);
    }

    /**
     * Krippendorff's alpha for nominal data: {@code 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k}, with the
     * coincidence matrix {@code o_ck = sum_i n_ic n_ik / (m_i - 1)} (pairs within an item, c != k), {@code n_c} the
     * pairable answers per class and {@code n} their total.
     */
    double alpha() {
      double n = 0;
      double sumSq = 0;
      for (double v : perClass) {
        n += v;
        sumSq += v * v;
      }
      double disagreeExpected = n * n - sumSq;
      if (n < 2 || disagreeExpected <= 0) {
        return Double.NaN;
      }
      return 1.0 - (n - 1) * observedDisagreement / disagreeExpected;
    }

    /**
     * Fleiss' kappa, generalised to a varying number of answers per item: {@code P = mean P_i}, {@code p_c} the share of
     * class c among the answers, {@code P_e = sum p_c^2}, kappa = {@code (P - P_e) / (1 - P_e)}. Equals the textbook
     * formula when every item has the same number of answers.
     */
    double kappa() {
      if (items == 0) {
        return Double.NaN;
      }
      double total = 0;
      for (double v : perClass) {
        total += v;
      }
      double pe = 0;
      for (double v : perClass) {
        pe += (v / total) * (v / total);
      }
      if (pe >= 1.0) {
        return Double.NaN;
      }
      return (itemAgreement / items - pe) / (1.0 - pe);
    }
  }

  public static Sums sums(AnswerSet data) {
    int k = data.classes();
    double[] nc = new double[k];
    int[] counts = new int[k];
    double disagree = 0;
    double agree = 0;
    int items = 0;
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
      disagree += ((double) m * (m - 1) - same) / (m - 1);
      agree += same / ((double) m * (m - 1));
      items++;
    }
    return new Sums(items, disagree, agree, nc);
  }

  public static double krippendorffAlpha(AnswerSet data) {
    return sums(data).alpha();
  }

  public static double fleissKappa(AnswerSet data) {
    return sums(data).kappa();
  }

  private static void fill(AnswerSet data, int item, int[] counts) {
    java.util.Arrays.fill(counts, 0);
    int k = data.classes();
    for (int a = data.itemStart[item]; a < data.itemStart[item + 1]; a++) {
      counts[data.workerLabel[a] % k]++;
    }
  }
}
