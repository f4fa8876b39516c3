package io.goldfinch.aggregation.bench;

import io.goldfinch.aggregation.*;
import java.util.Locale;

/**
 * Per-iteration cost: (fit with 1+N iterations - fit with 1 iteration) / N, repeated. Args: answers K threads
 * [workers=answers/200] [repetitions=5].
 */
public final class PassTiming {
  public static void main(String[] args) {
    long n = SpeedReport.parse(args[0]);
    int k = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    int workers = args.length > 3 ? Integer.parseInt(args[3]) : (int) Math.max(50, Math.min(200_000, n / 200));
    SyntheticCrowd.Crowd c = SyntheticCrowd.generate(42, n, 5, workers, k, 0.15, 0);
    int[] g = Aggregator.noGold(c.answers());
    EmOptions base = EmOptions.defaults(ConfusionModel.FULL).withThreads(threads);
    int iters = 20;
    int reps = args.length > 4 ? Integer.parseInt(args[4]) : 5;
    for (int rep = 0; rep < reps; rep++) {
      long t0 = System.nanoTime();
      new DawidSkene(base.withIterations(0, 1)).fit(c.answers(), g);
      long t1 = System.nanoTime();
      new DawidSkene(base.withIterations(0, 1 + iters)).fit(c.answers(), g);
      long t2 = System.nanoTime();
      double per = ((t2 - t1) - (t1 - t0)) / (double) iters / c.answers().answers();
      System.out.printf(Locale.ROOT, "K=%d threads=%d answers=%,d workers=%,d: %.2f ns/(answer*iter), fixed %.0f ms%n", k, threads,
          c.answers().answers(), workers, per, (t1 - t0) / 1e6);
    }
  }
}
