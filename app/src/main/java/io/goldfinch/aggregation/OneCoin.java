package io.goldfinch.aggregation;

/** One-coin model: one accuracy per worker, errors spread evenly over the other classes. */
public final class OneCoin extends DawidSkene {
  public OneCoin() {
    super(EmOptions.defaults(ConfusionModel.ONE_COIN));
  }

  public OneCoin(double smoothing, double diagonal) {
    super(EmOptions.defaults(ConfusionModel.ONE_COIN).withPrior(smoothing, diagonal));
  }
}
