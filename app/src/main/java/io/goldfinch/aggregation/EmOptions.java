package io.goldfinch.aggregation;

/**
 * Settings of one EM fit.
 *
 * <p>Prior on each row k of a worker's confusion matrix: Dirichlet pseudo-counts {@code smoothing} on every cell
 * plus {@code diagonal} on the diagonal cell (k, k), added to the expected counts in the M-step (MAP estimate). A
 * diagonal-biased prior keeps a worker with few answers close to "better than chance" instead of pulling him to
 * random guessing, which a symmetric prior does. Both 0 gives plain maximum likelihood (cells are then floored at
 * {@link #MIN_PROBABILITY}).
 *
 * @param model how confusion matrices are tied
 * @param smoothing pseudo-count on every cell (alpha), &gt;= 0
 * @param diagonal extra pseudo-count on the diagonal (beta), &gt;= 0; {@code smoothing + diagonal} scales the strength
 * @param pooled pseudo-count mass per row spread like the crowd's pooled confusion matrix (under the initial
 *     majority vote), &gt;= 0: shrinks workers with few answers towards the typical worker
 * @param estimatePriors estimate class priors as the (smoothed) mean posterior; otherwise keep {@code fixedPriors}
 * @param fixedPriors class priors when not estimated; null = uniform
 * @param priorSmoothing pseudo-count per class on the class priors, &gt;= 0
 * @param tolerance stop when |LL(t) - LL(t-1)| &lt;= tolerance * |LL(t)|
 * @param maxIterations cap on E-steps, &gt;= 1
 * @param threads at most this many threads; 0 = all available cores. Results do not depend on it.
 */
public record EmOptions(
    ConfusionModel model,
    double smoothing,
    double diagonal,
    double pooled,
    boolean estimatePriors,
    double[] fixedPriors,
    double priorSmoothing,
    double tolerance,
    int maxIterations,
    int threads) {

  /** Floor for probabilities when no prior prevents zeros: keeps logs finite. */
  public static final double MIN_PROBABILITY = 1e-10;

  public EmOptions {
    if (model == null) {
      throw new IllegalArgumentException("model is null");
    }
    if (!(smoothing >= 0) || !(diagonal >= 0) || !(priorSmoothing >= 0) || !(pooled >= 0) || Double.isInfinite(pooled) || Double.isInfinite(smoothing)
        || Double.isInfinite(diagonal) || Double.isInfinite(priorSmoothing)) {
      throw new IllegalArgumentException("prior pseudo-counts must be finite and >= 0");
    }
    if (!(tolerance >= 0) || maxIterations < 1 || threads < 0) {
      throw new IllegalArgumentException("tolerance >= 0, maxIterations >= 1, threads >= 0 required");
    }
    if (fixedPriors != null) {
      fixedPriors = fixedPriors.clone();
      double s = 0;
      for (double p : fixedPriors) {
        if (!(p > 0) || Double.isInfinite(p)) {
          throw new IllegalArgumentException("fixed class priors must be > 0");
        }
        s += p;
      }
      for (int k = 0; k < fixedPriors.length; k++) {
        fixedPriors[k] /= s;
      }
    }
  }

  /**
   * Defaults for a model: estimated class priors (one pseudo-count per class), tolerance 1e-8, cap 200 iterations.
   * Confusion prior: full Dawid-Skene a light alpha 0.01 and no diagonal bias (measured best without gold on the
   * public sets: stronger or pooled priors help only sets with very sparse workers, and {@code auto} picks them on
   * gold); the one-coin models alpha 0.5 plus 2 on the diagonal (few parameters, so the prior only guards the
   * sparse workers).
   */
  public static EmOptions defaults(ConfusionModel model) {
    double alpha = model == ConfusionModel.FULL ? 0.01 : 0.5;
    double beta = model == ConfusionModel.FULL ? 0.0 : 2.0;
    return new EmOptions(model, alpha, beta, 0.0, true, null, 1.0, 1e-8, 200, 0);
  }

  public EmOptions withPrior(double smoothing, double diagonal) {
    return new EmOptions(model, smoothing, diagonal, pooled, estimatePriors, fixedPriors, priorSmoothing, tolerance,
        maxIterations, threads);
  }

  public EmOptions withPooled(double p) {
    return new EmOptions(model, smoothing, diagonal, p, estimatePriors, fixedPriors, priorSmoothing, tolerance,
        maxIterations, threads);
  }

  public EmOptions withModel(ConfusionModel m) {
    return new EmOptions(m, smoothing, diagonal, pooled, estimatePriors, fixedPriors, priorSmoothing, tolerance,
        maxIterations, threads);
  }

  public EmOptions withThreads(int t) {
    return new EmOptions(model, smoothing, diagonal, pooled, estimatePriors, fixedPriors, priorSmoothing, tolerance,
        maxIterations, t);
  }

  public EmOptions withIterations(double tol, int cap) {
    return new EmOptions(model, smoothing, diagonal, pooled, estimatePriors, fixedPriors, priorSmoothing, tol, cap, threads);
  }

  public EmOptions withFixedPriors(double[] priors) {
    return new EmOptions(model, smoothing, diagonal, pooled, false, priors, priorSmoothing, tolerance, maxIterations,
        threads);
  }

  /** Short description, e.g. {@code ds(a=0.5,d=2)}. */
  public String describe() {
    return model.id() + "(a=" + fmt(smoothing) + ",d=" + fmt(diagonal) + (pooled > 0 ? ",s=" + fmt(pooled) : "") + (estimatePriors ? "" : ",fixed-priors")
        + ")";
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
