package io.goldfinch.aggregation;

/** Class-conditional one-coin model: one accuracy per worker and true class, errors spread evenly. */
public final class ClassConditionalOneCoin extends DawidSkene {
  public ClassConditionalOneCoin() {
    super(EmOptions.defaults(ConfusionModel.CLASS_ONE_COIN));
  }

  public ClassConditionalOneCoin(double smoothing, double diagonal) {
    super(EmOptions.defaults(ConfusionModel.CLASS_ONE_COIN).withPrior(smoothing, diagonal));
  }
}
