package io.goldfinch.aggregation;

import java.util.concurrent.ExecutorService;

/**
 * Dawid-Skene EM (Dawid &amp; Skene 1979) with a diagonal-biased Dirichlet prior on the confusion matrices, in any of
 * the three {@link ConfusionModel}s; {@link OneCoin} and {@link ClassConditionalOneCoin} are this class with their
 * model fixed.
 *
 * <p>Start: soft majority vote (gold clamped), then an M-step, unless warm-started from a {@link FittedModel}. Then
 * fused E/M passes until the relative change of the MAP objective is at most the tolerance or the cap is hit.
 * Deterministic: no randomness, fixed iteration order, thread-count-independent summation order.
 */
public class DawidSkene implements Aggregator {
  private final EmOptions options;

  public DawidSkene() {
    this(EmOptions.defaults(ConfusionModel.FULL));
  }

  public DawidSkene(EmOptions options) {
    this.options = options;
  }

  public EmOptions options() {
    return options;
  }

  @Override
  public String name() {
    return options.model().id();
  }

  @Override
  public AggregationResult fit(AnswerSet data, int[] gold) {
    return fit(data, gold, null);
  }

  /**
   * Fits, starting from {@code warm} if given (a previous fit of the same job; workers unknown to it start from the
   * prior mean), which typically converges in a few iterations.
   */
  public AggregationResult fit(AnswerSet data, int[] gold, FittedModel warm) {
    Aggregator.checkGold(data, gold);
    EmEngine em = new EmEngine(data, gold, options);
    ExecutorService pool = EmEngine.pool(em.parts(), options.threads());
    double[] trace;
    double[] post;
    try {
      if (warm != null) {
        double[] lt = new double[em.logTheta.length];
        double[] lp = new double[data.classes()];
        warm.initialise(data, options, lt, lp);
        em.initFrom(lt, lp, pool);
      } else {
        em.initFromMajorityVote(pool);
      }
      trace = em.run(pool);
      post = em.posteriors(pool);
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
    double[] priors = em.priors();
    int[] labels = MajorityVote.argmax(post, data.items(), data.classes(), priors);
    return new AggregationResult(options.describe(), data, post, labels, em.confusion(), priors, trace,
        trace.length, em.converged);
  }
}
