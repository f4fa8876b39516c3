package io.goldfinch.aggregation;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fitted parameters keyed by names, for online use between full fits.
 *
 * <ul>
 *   <li>{@link #posterior}: the posterior of one item from its answers in O(answers on it x K), e.g. on every
 *       submission, to decide whether the item needs another answer;
 *   <li>warm start: {@link DawidSkene#fit(AnswerSet, int[], FittedModel)} starts the next full fit from these
 *       parameters instead of majority vote.
 * </ul>
 *
 * Workers the model has not seen get the prior mean confusion matrix (diagonal {@code (a+d)/(K a+d)}).
 * Immutable.
 */
public final class FittedModel {
  private final List<String> labels;
  private final Map<String, Integer> labelIndex;
  private final Map<String, Integer> workerIndex;
  private final int k;
  /** Answer-major log confusion: {@code [(w*K+label)*K+truth]}. */
  private final double[] logTheta;
  private final double[] logPrior;
  /** Log of the prior-mean confusion matrix, answer-major {@code [label*K+truth]}, for unseen workers. */
  private final double[] logUnseen;

  private FittedModel(List<String> labels, Map<String, Integer> workerIndex, double[] logTheta, double[] logPrior,
      double[] logUnseen) {
    this.labels = List.copyOf(labels);
    this.labelIndex = AnswerSet.labelIndex(labels);
    this.workerIndex = workerIndex;
    this.k = labels.size();
    this.logTheta = logTheta;
    this.logPrior = logPrior;
    this.logUnseen = logUnseen;
  }

  /**
   * Captures the parameters of a fit. {@code smoothing} and {@code diagonal} define the prior mean used for
   * unseen workers (use the fit's own values).
   */
  public static FittedModel of(AggregationResult r, double smoothing, double diagonal) {
    AnswerSet data = r.data();
    int k = data.classes();
    Map<String, Integer> index = new HashMap<>();
    for (int w = 0; w < data.workers(); w++) {
      index.put(data.workerName(w), w);
    }
    double[] c = r.confusion();
    double[] lt = new double[c.length];
    for (int w = 0; w < data.workers(); w++) {
      int wb = w * k * k;
      for (int t = 0; t < k; t++) {
        for (int l = 0; l < k; l++) {
          lt[wb + l * k + t] = EmEngine.safeLog(c[wb + t * k + l]);
        }
      }
    }
    double[] lp = new double[k];
    for (int t = 0; t < k; t++) {
      lp[t] = EmEngine.safeLog(r.classPriors()[t]);
    }
    double[] unseen = new double[k * k];
    double row = k * smoothing + diagonal;
    for (int t = 0; t < k; t++) {
      for (int l = 0; l < k; l++) {
        double v = row > 0 ? (smoothing + (l == t ? diagonal : 0)) / row : 1.0 / k;
        unseen[l * k + t] = EmEngine.safeLog(v);
      }
    }
    return new FittedModel(data.labels(), index, lt, lp, unseen);
  }

  public static FittedModel of(AggregationResult r, EmOptions options) {
    return of(r, options.smoothing(), options.diagonal());
  }

  public List<String> labels() {
    return labels;
  }

  /**
   * Posterior over the label set of one item given its (deduplicated) answers, in O(answers x K). Log space, so any
   * number of answers is safe.
   *
   * @throws IllegalArgumentException if the lists differ in length or a label is outside the label set
   */
  public double[] posterior(List<String> workers, List<String> answerLabels) {
    if (workers.size() != answerLabels.size()) {
      throw new IllegalArgumentException("workers and labels differ in length");
    }
    double[] s = logPrior.clone();
    for (int a = 0; a < workers.size(); a++) {
      Integer l = labelIndex.get(answerLabels.get(a));
      if (l == null) {
        throw new IllegalArgumentException(
            "label '" + answerLabels.get(a) + "' is not in the label set " + labels);
      }
      Integer w = workerIndex.get(workers.get(a));
      if (w == null) {
        int b = l * k;
        for (int t = 0; t < k; t++) {
          s[t] += logUnseen[b + t];
        }
      } else {
        int b = (w * k + l) * k;
        for (int t = 0; t < k; t++) {
          s[t] += logTheta[b + t];
        }
      }
    }
    return normaliseLog(s);
  }

  /** Turns log scores into probabilities in place: subtract the maximum, exponentiate, normalise. */
  static double[] normaliseLog(double[] s) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : s) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int t = 0; t < s.length; t++) {
      s[t] = Math.exp(s[t] - max);
      sum += s[t];
    }
    for (int t = 0; t < s.length; t++) {
      s[t] /= sum;
    }
    return s;
  }

  /** Writes these parameters into an engine's arrays for {@code data} (warm start). */
  void initialise(AnswerSet data, EmOptions options, double[] logThetaOut, double[] logPriorOut) {
    if (!data.labels().equals(labels)) {
      throw new IllegalArgumentException("warm start from a model with labels " + labels + ", job has "
          + data.labels());
    }
    for (int w = 0; w < data.workers(); w++) {
      Integer old = workerIndex.get(data.workerName(w));
      int wb = w * k * k;
      if (old == null) {
        System.arraycopy(logUnseen, 0, logThetaOut, wb, k * k);
      } else {
        System.arraycopy(logTheta, old * k * k, logThetaOut, wb, k * k);
      }
    }
    if (options.estimatePriors()) {
      System.arraycopy(logPrior, 0, logPriorOut, 0, k);
    } else {
      double[] f = options.fixedPriors();
      for (int t = 0; t < k; t++) {
        logPriorOut[t] = f == null || f.length != k ? -Math.log(k) : EmEngine.safeLog(f[t]);
      }
    }
  }

  @Override
  public String toString() {
    return "FittedModel" + labels + " workers=" + workerIndex.size() + " priors=" + Arrays.toString(logPrior);
  }
}
