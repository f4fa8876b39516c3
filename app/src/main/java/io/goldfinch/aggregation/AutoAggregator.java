package io.goldfinch.aggregation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code auto}: picks the method and prior strength per job by cross-validation over the job's gold items, then
 * fits the winner on all answers with all gold clamped.
 *
 * <p>Candidates: majority vote, one-coin, class-conditional one-coin and full Dawid-Skene at several prior
 * strengths (see {@link #candidates()}). The gold items are cut into {@code min(5, gold)} folds (seeded, so
 * deterministic); for each fold every candidate is fitted with the other folds clamped and scored on the held-out
 * fold. Score: number of held-out gold items labelled correctly; ties broken by the mean log posterior of the
 * correct label (a smooth version of the same thing, useful when gold is scarce), then by candidate order. Majority
 * vote is a candidate, so where gold says no model beats it, majority vote is what the job gets.
 *
 * <p>Confidence: the winner's posteriors of the held-out gold items say how confident it is when right and when
 * wrong. With at least {@link #MIN_GOLD_TO_CALIBRATE} gold items, the final fit's posteriors are tempered
 * ({@link Calibration#inverseTemperature}: one parameter, fitted by likelihood on those held-out posteriors) so that a
 * stated confidence is the share of labels that are right; labels do not change. Dawid-Skene is overconfident on
 * every public set (pooled: labels stated at .99 are right .88 of the time), so this mostly flattens.
 *
 * <p>Nothing but the given gold is looked at. With fewer than {@link #MIN_GOLD} gold items there is nothing to
 * choose on, and auto runs {@link #fallback()}.
 */
public final class AutoAggregator implements Aggregator {
  /** Seed of the fold assignment; fixed so that auto is deterministic. */
  static final long FOLD_SEED = 0x5eed_601dL;
  static final int MAX_FOLDS = 5;
  /** Probability floor when scoring the log posterior of held-out gold (majority vote gives exact zeros). */
  static final double SCORE_FLOOR = 1e-4;

  /** Fewest gold items to calibrate the confidences on; below it they are the winner's own. */
  public static final int MIN_GOLD_TO_CALIBRATE = 20;

  private final int threads;
  private final boolean calibrate;

  public AutoAggregator() {
    this(0);
  }

  /** @param threads at most this many candidate fits at once; 0 = all cores */
  public AutoAggregator(int threads) {
    this(threads, true);
  }

  /** @param calibrate temper the confidences on held-out gold (the default) */
  public AutoAggregator(int threads, boolean calibrate) {
    this.threads = threads;
    this.calibrate = calibrate;
  }

  @Override
  public String name() {
    return "auto";
  }

  /** The candidate settings, in tie-break order: few and distinct, so that small gold sets do not overfit the choice. */
  public static List<Aggregator> candidates() {
    List<Aggregator> c = new ArrayList<>();
    c.add(new MajorityVote());
    c.add(new DawidSkene());
    c.add(new DawidSkene(EmOptions.defaults(ConfusionModel.FULL).withPrior(0.5, 2.0)));
    c.add(new DawidSkene(EmOptions.defaults(ConfusionModel.FULL).withPrior(0.1, 1.0).withPooled(10)));
    c.add(new ClassConditionalOneCoin());
    c.add(new OneCoin());
    return c;
  }

  /** Fewest gold items to choose on; below it auto runs {@link #fallback()}. */
  public static final int MIN_GOLD = 5;

  /**
   * What auto runs when the job has (almost) no gold: majority vote. Only gold can tell a crowd on which Dawid-Skene
   * loses to majority vote (ZenCrowd: near-symmetric workers biased to one class, where even the likelihood prefers
   * the full model) from one where it wins by 14 points, and auto promises never to lose to majority vote. Jobs
   * without gold that want Dawid-Skene ask for {@code ds}.
   */
  public static Aggregator fallback() {
    return new MajorityVote();
  }

  @Override
  public AggregationResult fit(AnswerSet data, int[] gold) {
    Aggregator.checkGold(data, gold);
    int[] goldItems = goldItems(gold);
    if (goldItems.length < MIN_GOLD) {
      AggregationResult r = fallback().fit(data, gold);
      return rename(r, "auto:" + r.method() + " (no gold to choose on)");
    }
    List<Aggregator> cands = candidates();
    Cv cv = crossValidate(data, gold, goldItems, cands);
    double[][] scores = cv.scores();
    int best = 0;
    for (int c = 1; c < cands.size(); c++) {
      if (scores[c][0] > scores[best][0] || (scores[c][0] == scores[best][0] && scores[c][1] > scores[best][1])) {
        best = c;
      }
    }
    AggregationResult r = cands.get(best).fit(data, gold);
    String method = String.format(java.util.Locale.ROOT, "auto:%s (cv %d/%d gold", r.method(), (int) scores[best][0], goldItems.length);
    if (calibrate && goldItems.length >= MIN_GOLD_TO_CALIBRATE) {
      // The winner's held-out gold posteriors were computed to choose it: they calibrate it at no extra fit.
      return CalibratedAggregator.tempered(r, cv.heldOut()[best], cv.heldOutTruth(), gold,
          t -> String.format(java.util.Locale.ROOT, "%s, confidence tempered 1/%.2f)", method, t));
    }
    return rename(r, method + ")");
  }

  /**
   * Per candidate {correct held-out gold, mean log posterior of the correct label}, and per candidate the held-out
   * posterior rows of the gold items (in {@code heldOutTruth} order) with their right classes.
   */
  record Cv(double[][] scores, double[][] heldOut, int[] heldOutTruth) {
  }

  Cv crossValidate(AnswerSet data, int[] gold, int[] goldItems, List<Aggregator> cands) {
    int folds = Math.min(MAX_FOLDS, goldItems.length);
    int[] shuffled = goldItems.clone();
    SplittableRandom rnd = new SplittableRandom(FOLD_SEED);
    for (int i = shuffled.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = shuffled[i];
      shuffled[i] = shuffled[j];
      shuffled[j] = t;
    }
    int nc = cands.size();
    int k = data.classes();
    List<java.util.concurrent.Callable<double[]>> tasks = new ArrayList<>();
    List<Integer> order = new ArrayList<>(); // held-out gold items, fold by fold
    for (int f = 0; f < folds; f++) {
      int[] train = gold.clone();
      List<Integer> heldOut = new ArrayList<>();
      for (int p = f; p < shuffled.length; p += folds) {
        train[shuffled[p]] = -1;
        heldOut.add(shuffled[p]);
      }
      order.addAll(heldOut);
      for (int c = 0; c < nc; c++) {
        Aggregator a = cands.get(c);
        tasks.add(() -> score(a.fit(data, train), gold, heldOut));
      }
    }
    List<double[]> results = runAll(tasks);
    double[][] scores = new double[nc][2];
    double[][] heldOut = new double[nc][order.size() * k];
    int[] offset = new int[nc];
    for (int t = 0; t < results.size(); t++) {
      int c = t % nc;
      double[] res = results.get(t);
      scores[c][0] += res[0];
      scores[c][1] += res[1];
      System.arraycopy(res, 2, heldOut[c], offset[c], res.length - 2);
      offset[c] += res.length - 2;
    }
    int[] truth = order.stream().mapToInt(i -> gold[i]).toArray();
    return new Cv(scores, heldOut, truth);
  }

  /** {correct, sum of log posterior of the right class, then the held-out items' posterior rows}. */
  private static double[] score(AggregationResult r, int[] gold, List<Integer> heldOut) {
    int k = r.classes();
    double[] out = new double[2 + heldOut.size() * k];
    int j = 2;
    for (int i : heldOut) {
      if (r.labels()[i] == gold[i]) {
        out[0]++;
      }
      out[1] += Math.log(Math.max(SCORE_FLOOR, r.posterior(i, gold[i])));
      for (int c = 0; c < k; c++) {
        out[j++] = r.posterior(i, c);
      }
    }
    return out;
  }

  private List<double[]> runAll(List<java.util.concurrent.Callable<double[]>> tasks) {
    int cores = Runtime.getRuntime().availableProcessors();
    int n = Math.min(tasks.size(), threads == 0 ? cores : Math.min(threads, cores));
    List<double[]> out = new ArrayList<>(tasks.size());
    if (n <= 1) {
      for (var t : tasks) {
        try {
          out.add(t.call());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
      return out;
    }
    ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
      Thread t = new Thread(r, "goldfinch-auto");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<double[]>> fs = new ArrayList<>();
      for (var t : tasks) {
        fs.add(pool.submit(t));
      }
      for (Future<double[]> f : fs) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  static int[] goldItems(int[] gold) {
    return java.util.stream.IntStream.range(0, gold.length).filter(i -> gold[i] >= 0).toArray();
  }

  private static AggregationResult rename(AggregationResult r, String method) {
    return new AggregationResult(method, r.data(), r.posterior(), r.labels(), r.confusion(), r.classPriors(),
        r.logLikelihood(), r.iterations(), r.converged());
  }

  @Override
  public String toString() {
    return "auto" + Arrays.toString(candidates().stream().map(Aggregator::name).toArray());
  }
}
