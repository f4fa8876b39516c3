package io.goldfinch.aggregation;

/**
 * A model whose confidences are calibrated on gold, as {@code auto}'s are: with at least
 * {@link AutoAggregator#MIN_GOLD_TO_CALIBRATE} gold items, the model is fitted once per fold of the golds (the same
 * seeded folds auto uses) with that fold's golds held out, one temperature is fitted by likelihood on their held-out
 * posteriors ({@link Calibration#inverseTemperature}), and the full fit's posteriors are tempered with it. Labels do not
 * change. With fewer golds it is the model itself.
 */
public final class CalibratedAggregator implements Aggregator {
  private final Aggregator model;
  private final int threads;

  public CalibratedAggregator(Aggregator model) {
    this(model, 0);
  }

  /** @param threads at most this many fold fits at once; 0 = all cores */
  public CalibratedAggregator(Aggregator model, int threads) {
    this.model = model;
    this.threads = threads;
  }

  @Override
  public String name() {
    return model.name();
  }

  @Override
  public AggregationResult fit(AnswerSet data, int[] gold) {
    Aggregator.checkGold(data, gold);
    int[] goldItems = AutoAggregator.goldItems(gold);
    AggregationResult r = model.fit(data, gold);
    if (goldItems.length < AutoAggregator.MIN_GOLD_TO_CALIBRATE) {
      return r;
    }
    AutoAggregator.Cv cv = new AutoAggregator(threads).crossValidate(data, gold, goldItems, java.util.List.of(model));
    return tempered(r, cv.heldOut()[0], cv.heldOutTruth(), gold,
        t -> String.format(java.util.Locale.ROOT, "%s (confidence tempered 1/%.2f on %d gold)", r.method(), t, goldItems.length));
  }

  /**
   * The fit {@code r} with its posteriors tempered by the temperature that best fits the held-out gold posteriors
   * {@code heldOut} (rows of K, in {@code truth} order); gold rows stay clamped. {@code method} names it from the
   * temperature.
   */
  static AggregationResult tempered(AggregationResult r, double[] heldOut, int[] truth, int[] gold, java.util.function.DoubleFunction<String> method) {
    int k = r.classes();
    double beta = Calibration.inverseTemperature(heldOut, k, truth);
    return new AggregationResult(method.apply(1 / beta), r.data(), Calibration.temper(r.posterior(), k, beta, gold), r.labels(), r.confusion(),
        r.classPriors(), r.logLikelihood(), r.iterations(), r.converged());
  }
}
