package io.goldfinch.aggregation;

import java.util.List;

/**
 * What a fit produced.
 *
 * @param method the method that produced it (for {@code auto}: e.g. {@code auto:ds(a=0.5,d=2)})
 * @param data the answers it was fitted on
 * @param posterior per item the class posterior, row-major {@code [item * K + k]}, each row sums to 1
 * @param labels per item the chosen class (argmax of the posterior, ties to the class with the higher prior, then
 *     to the lower class index)
 * @param confusion per worker the confusion matrix, row-major {@code [(worker * K + truth) * K + answer]}; rows sum
 *     to 1
 * @param classPriors class prior probabilities
 * @param logLikelihood per EM iteration the objective (log-likelihood plus log prior) of the parameters used in
 *     that iteration's E-step; empty for majority vote
 * @param iterations number of E-steps run
 * @param converged whether the relative change fell below the tolerance before the iteration cap
 */
public record AggregationResult(
    String method,
    AnswerSet data,
    double[] posterior,
    int[] labels,
    double[] confusion,
    double[] classPriors,
    double[] logLikelihood,
    int iterations,
    boolean converged) {

  public int classes() {
    return data.classes();
  }

  public double posterior(int item, int k) {
    return posterior[item * data.classes() + k];
  }

  /** Posterior of the chosen label of an item. */
  public double confidence(int item) {
    return posterior[item * data.classes() + labels[item]];
  }

  /** The confusion matrix of one worker as a fresh K x K array. */
  public double[][] confusion(int worker) {
    int k = data.classes();
    double[][] m = new double[k][k];
    for (int t = 0; t < k; t++) {
      System.arraycopy(confusion, (worker * k + t) * k, m[t], 0, k);
    }
    return m;
  }

  /** Label names per item, in item order. */
  public List<String> labelNames() {
    String[] out = new String[labels.length];
    for (int i = 0; i < labels.length; i++) {
      out[i] = data.labels().get(labels[i]);
    }
    return List.of(out);
  }
}
