package io.goldfinch.aggregation;

import java.util.ArrayList;
import java.util.List;

/**
 * How well stated confidences match how often the labels are right: labels said to be right with probability p should
 * be right a share p of the time. Equal-width bins over [0, 1]; per bin the number of labels, their mean confidence and
 * the share right; the expected calibration error (ECE: the bins' |accuracy - confidence| weighted by their size), the
 * overconfidence (mean confidence minus accuracy: positive when the labels are right less often than said) and the
 * Brier score of the confidences. Plain Java.
 */
public final class Calibration {

  /** One bin, {@code [lower, upper)} (the last includes 1). Mean confidence and accuracy are NaN for an empty bin. */
  public record Bin(double lower, double upper, int count, double meanConfidence, double accuracy) {
  }

  /**
   * @param labels how many confidences were scored
   * @param ece expected calibration error, NaN with no labels
   * @param overconfidence mean confidence minus accuracy, NaN with no labels
   * @param brier mean of (confidence - right)^2, NaN with no labels
   */
  public record Report(int labels, double meanConfidence, double accuracy, double ece, double overconfidence, double brier, List<Bin> bins) {
  }

  private Calibration() {
  }

  /** Probability floor when fitting a temperature: a held-out gold given 0 by a posterior still counts, heavily. */
  static final double FLOOR = 1e-12;
  /** Bounds of the inverse temperature searched: from 20 times flatter to about 7 times sharper. */
  static final double MIN_BETA = 0.05;
  static final double MAX_BETA = 7.5;

  /**
   * The inverse temperature {@code beta} that makes posteriors {@code q_k ∝ p_k^beta} best predict the given truths
   * (maximum likelihood; the log-likelihood is concave in beta, so a golden-section search finds it). beta &lt; 1 flattens
   * overconfident posteriors, beta &gt; 1 sharpens underconfident ones; the argmax, and so every label, is unchanged.
   *
   * @param posterior rows of {@code k} probabilities, one row per scored item
   * @param truth per row the right class
   */
  public static double inverseTemperature(double[] posterior, int k, int[] truth) {
    if (posterior.length != truth.length * k) {
      throw new IllegalArgumentException("posterior rows and truths differ in number");
    }
    double lo = MIN_BETA;
    double hi = MAX_BETA;
    double g = (Math.sqrt(5) - 1) / 2;
    double a = hi - g * (hi - lo);
    double b = lo + g * (hi - lo);
    double fa = logLikelihood(posterior, k, truth, a);
    double fb = logLikelihood(posterior, k, truth, b);
    for (int it = 0; it < 100 && hi - lo > 1e-6; it++) {
      if (fa >= fb) {
        hi = b;
        b = a;
        fb = fa;
        a = hi - g * (hi - lo);
        fa = logLikelihood(posterior, k, truth, a);
      } else {
        lo = a;
        a = b;
        fa = fb;
        b = lo + g * (hi - lo);
        fb = logLikelihood(posterior, k, truth, b);
      }
    }
    return (lo + hi) / 2;
  }

  /** Sum over rows of log q_truth with {@code q_k ∝ max(p_k, FLOOR)^beta}. */
  static double logLikelihood(double[] posterior, int k, int[] truth, double beta) {
    double ll = 0;
    for (int r = 0; r < truth.length; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        max = Math.max(max, beta * Math.log(Math.max(FLOOR, posterior[r * k + c])));
      }
      double sum = 0;
      for (int c = 0; c < k; c++) {
        sum += Math.exp(beta * Math.log(Math.max(FLOOR, posterior[r * k + c])) - max);
      }
      ll += beta * Math.log(Math.max(FLOOR, posterior[r * k + truth[r]])) - max - Math.log(sum);
    }
    return ll;
  }

  /**
   * Posteriors raised to {@code beta} and renormalised, except the rows of {@code skip} items (golds, clamped): a new
   * array. Zeros stay zeros, the order of each row's classes is kept.
   */
  public static double[] temper(double[] posterior, int k, double beta, int[] skip) {
    double[] out = posterior.clone();
    int items = posterior.length / k;
    for (int i = 0; i < items; i++) {
      if (skip != null && skip[i] >= 0) {
        continue;
      }
      double max = 0;
      for (int c = 0; c < k; c++) {
        max = Math.max(max, posterior[i * k + c]);
      }
      if (max <= 0) {
        continue;
      }
      double sum = 0;
      for (int c = 0; c < k; c++) {
        double p = posterior[i * k + c];
        double q = p <= 0 ? 0 : Math.pow(p / max, beta);
        out[i * k + c] = q;
        sum += q;
      }
      for (int c = 0; c < k; c++) {
        out[i * k + c] /= sum;
      }
    }
    return out;
  }

  /**
   * @param confidence per label its stated probability of being right, in [0, 1]
   * @param right per label whether it was right
   * @param bins number of equal-width bins, at least 1
   */
  public static Report of(double[] confidence, boolean[] right, int bins) {
    if (confidence.length != right.length) {
      throw new IllegalArgumentException("confidence and right differ in length");
    }
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be at least 1");
    }
    int[] count = new int[bins];
    double[] sumConfidence = new double[bins];
    int[] sumRight = new int[bins];
    double brier = 0;
    double totalConfidence = 0;
    int totalRight = 0;
    for (int i = 0; i < confidence.length; i++) {
      double c = confidence[i];
      if (!(c >= 0 && c <= 1)) {
        throw new IllegalArgumentException("confidence " + c + " at " + i + " is not a probability");
      }
      int b = Math.min(bins - 1, (int) (c * bins));
      count[b]++;
      sumConfidence[b] += c;
      totalConfidence += c;
      if (right[i]) {
        sumRight[b]++;
        totalRight++;
      }
      double e = c - (right[i] ? 1 : 0);
      brier += e * e;
    }
    int n = confidence.length;
    List<Bin> out = new ArrayList<>(bins);
    double ece = 0;
    for (int b = 0; b < bins; b++) {
      double mean = count[b] == 0 ? Double.NaN : sumConfidence[b] / count[b];
      double accuracy = count[b] == 0 ? Double.NaN : (double) sumRight[b] / count[b];
      if (count[b] > 0) {
        ece += (double) count[b] / n * Math.abs(accuracy - mean);
      }
      out.add(new Bin((double) b / bins, (double) (b + 1) / bins, count[b], mean, accuracy));
    }
    if (n == 0) {
      return new Report(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, List.copyOf(out));
    }
    double meanConfidence = totalConfidence / n;
    double accuracy = (double) totalRight / n;
    return new Report(n, meanConfidence, accuracy, ece, meanConfidence - accuracy, brier / n, List.copyOf(out));
  }
}
