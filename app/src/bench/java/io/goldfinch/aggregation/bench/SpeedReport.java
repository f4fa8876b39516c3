package io.goldfinch.aggregation.bench;

import io.goldfinch.aggregation.AggregationResult;
import io.goldfinch.aggregation.Aggregator;
import io.goldfinch.aggregation.ConfusionModel;
import io.goldfinch.aggregation.DawidSkene;
import io.goldfinch.aggregation.EmOptions;
import io.goldfinch.aggregation.MajorityVote;
import io.goldfinch.aggregation.SyntheticCrowd;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;

/**
 * Time to convergence of full Dawid-Skene on a seeded synthetic crowd.
 *
 * <p>Run: {@code java -Xmx4g -cp ... io.goldfinch.aggregation.bench.SpeedReport ANSWERS[,ANSWERS...] [K=2] [threads=0]
 * [answersPerItem=5] [workers=answers/200]}. Prints per size: generation time, fit time, iterations, ns per
 * answer x iteration (fit time / (answers x iterations), init and final pass included), accuracy vs the hidden
 * truth (and majority vote's), and the peak heap used.
 */
public final class SpeedReport {
  public static void main(String[] args) {
    String[] sizes = args[0].split(",");
    int k = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    int perItem = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    System.out.printf(Locale.ROOT, "K=%d threads=%s answers/item~%d cores=%d maxHeap=%dMB%n", k,
        threads == 0 ? "all" : threads, perItem, Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    for (String s : sizes) {
      long n = parse(s);
      int workers = args.length > 4 ? Integer.parseInt(args[4]) : (int) Math.max(50, Math.min(200_000, n / 200));
      long t0 = System.nanoTime();
      SyntheticCrowd.Crowd c = SyntheticCrowd.generate(42, n, perItem, workers, k, 0.15, threads);
      long t1 = System.nanoTime();
      EmOptions o = EmOptions.defaults(ConfusionModel.FULL).withThreads(threads).withIterations(1e-7, 200);
      AggregationResult r = new DawidSkene(o).fit(c.answers(), Aggregator.noGold(c.answers()));
      long t2 = System.nanoTime();
      double acc = accuracy(r.labels(), c.truth());
      AggregationResult mv = new MajorityVote().fit(c.answers(), Aggregator.noGold(c.answers()));
      double fitS = (t2 - t1) / 1e9;
      long answers = c.answers().answers();
      System.out.printf(Locale.ROOT,
          "answers=%,d items=%,d workers=%,d gen=%.2fs fit=%.2fs iterations=%d converged=%s ns/(answer*iter)=%.2f"
              + " acc=%.4f mv=%.4f peakHeap=%,dMB%n",
          answers, c.answers().items(), workers, (t1 - t0) / 1e9, fitS, r.iterations(), r.converged(),
          (t2 - t1) / (double) answers / r.iterations(), acc, accuracy(mv.labels(), c.truth()), peakHeapMb());
      c = null;
      r = null;
      mv = null;
      System.gc();
    }
  }

  static long parse(String s) {
    s = s.trim().toUpperCase(Locale.ROOT);
    long mult = 1;
    if (s.endsWith("M")) {
      mult = 1_000_000;
      s = s.substring(0, s.length() - 1);
    } else if (s.endsWith("K")) {
      mult = 1_000;
      s = s.substring(0, s.length() - 1);
    }
    return (long) (Double.parseDouble(s) * mult);
  }

  static double accuracy(int[] labels, int[] truth) {
    int c = 0;
    for (int i = 0; i < truth.length; i++) {
      if (labels[i] == truth[i]) {
        c++;
      }
    }
    return (double) c / truth.length;
  }

  static long peakHeapMb() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum >> 20;
  }
}
