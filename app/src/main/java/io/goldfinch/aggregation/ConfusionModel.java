package io.goldfinch.aggregation;

/**
 * How a worker's K x K confusion matrix is parameterised. All three share the E-step and the sufficient statistics
 * (expected counts of "worker w answered l when the truth was k"); they differ only in how the M-step ties the
 * cells together.
 */
public enum ConfusionModel {
  /** One accuracy p per worker: diagonal p, every off-diagonal cell (1-p)/(K-1). Few parameters: good for sparse, symmetric crowds. */
  ONE_COIN("one-coin"),
  /** One accuracy p_k per worker and true class: diagonal p_k, off-diagonal (1-p_k)/(K-1). Captures a bias towards one class. */
  CLASS_ONE_COIN("cc-one-coin"),
  /** Full Dawid-Skene: every row of the confusion matrix free. Best where workers are asymmetric and active. */
  FULL("ds");

  private final String id;

  ConfusionModel(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }
}
