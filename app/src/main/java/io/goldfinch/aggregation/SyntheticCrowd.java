package io.goldfinch.aggregation;

import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Seeded synthetic crowd for tests and benchmarks: items with hidden classes, workers with confusion matrices,
 * spammers, and heavy-tailed worker activity.
 *
 * <ul>
 *   <li>Classes: prior proportional to {@code 1/(k+1)} (imbalanced, like most real jobs).
 *   <li>Workers: a share {@code spammers} answer at random (half uniformly, half always the same label); the others
 *       have per-class accuracy drawn from [0.55, 0.95], errors going to a worker-specific preferred wrong label
 *       with probability 1/2 and uniformly otherwise (asymmetric confusion).
 *   <li>Activity: worker j is picked with weight {@code (j+1)^-0.9} (Zipf-like: a few workers do most of the work,
 *       many do a handful).
 *   <li>Answers per item: uniform in [1, 2 * mean - 1] (mean {@code answersPerItem}), distinct workers.
 * </ul>
 *
 * Generated in blocks of items with seeds derived from (seed, block), so the output is identical whatever the
 * number of threads.
 */
public final class SyntheticCrowd {
  private static final int BLOCK_ITEMS = 1 << 16;

  /** A generated job: answers plus the hidden truth per item. */
  public record Crowd(AnswerSet answers, int[] truth, double[] confusion, boolean[] spammer) {}

  private SyntheticCrowd() {}

  /**
   * @param seed any long; equal seeds give equal crowds
   * @param totalAnswers about this many answers (items = totalAnswers / answersPerItem)
   * @param answersPerItem mean answers per item, 1..workers
   * @param workers number of workers
   * @param classes K &gt;= 2
   * @param spammers share of spammers in [0, 1]
   * @param threads generator threads (output does not depend on it)
   */
  public static Crowd generate(long seed, long totalAnswers, int answersPerItem, int workers, int classes,
      double spammers, int threads) {
    if (classes < 2 || workers < 1 || answersPerItem < 1 || answersPerItem > workers || totalAnswers < 1
        || spammers < 0 || spammers > 1) {
      throw new IllegalArgumentException("bad synthetic crowd parameters");
    }
    int items = (int) Math.max(1, totalAnswers / answersPerItem);
    int k = classes;
    SplittableRandom root = new SplittableRandom(seed);
    // workers
    double[] conf = new double[workers * k * k];
    boolean[] spam = new boolean[workers];
    for (int w = 0; w < workers; w++) {
      SplittableRandom r = root.split();
      int wb = w * k * k;
      if (r.nextDouble() < spammers) {
        spam[w] = true;
        boolean uniform = r.nextBoolean();
        int fixed = r.nextInt(k);
        for (int t = 0; t < k; t++) {
          for (int l = 0; l < k; l++) {
            conf[wb + t * k + l] = uniform ? 1.0 / k : (l == fixed ? 1.0 : 0.0);
          }
        }
        continue;
      }
      for (int t = 0; t < k; t++) {
        double p = 0.55 + 0.4 * r.nextDouble();
        int preferred = (t + 1 + r.nextInt(k - 1)) % k;
        for (int l = 0; l < k; l++) {
          double v = l == t ? p : (1 - p) * 0.5 / (k - 1) + (l == preferred ? (1 - p) * 0.5 : 0.0);
          conf[wb + t * k + l] = v;
        }
      }
    }
    // activity: alias table over Zipf-like weights
    double[] weight = new double[workers];
    for (int w = 0; w < workers; w++) {
      weight[w] = Math.pow(w + 1, -0.9);
    }
    Alias alias = new Alias(weight);
    double[] prior = new double[k];
    double ps = 0;
    for (int t = 0; t < k; t++) {
      prior[t] = 1.0 / (t + 1);
      ps += prior[t];
    }
    double[] priorCum = new double[k];
    double acc = 0;
    for (int t = 0; t < k; t++) {
      acc += prior[t] / ps;
      priorCum[t] = acc;
    }
    // answers per item (first pass, sequential and cheap)
    int hi = Math.min(workers, 2 * answersPerItem - 1);
    int[] start = new int[items + 1];
    long seedCounts = root.nextLong();
    long seedBlocks = root.nextLong();
    SplittableRandom rc = new SplittableRandom(seedCounts);
    long total = 0;
    for (int i = 0; i < items; i++) {
      total += 1 + rc.nextInt(hi);
      if (total > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("too many answers for int indices");
      }
      start[i + 1] = (int) total;
    }
    int[] wl = new int[(int) total];
    int[] truth = new int[items];
    int blocks = (items + BLOCK_ITEMS - 1) / BLOCK_ITEMS;
    Runnable[] jobs = new Runnable[blocks];
    for (int b = 0; b < blocks; b++) {
      final int block = b;
      jobs[b] = () -> fillBlock(new SplittableRandom(seedBlocks ^ (0x9E3779B97F4A7C15L * (block + 1))),
          block * BLOCK_ITEMS, Math.min(items, (block + 1) * BLOCK_ITEMS), k, start, wl, truth, alias, conf,
          priorCum);
    }
    runAll(jobs, threads);
    return new Crowd(AnswerSet.ofDense(items, workers, k, start, wl), truth, conf, spam);
  }

  private static void fillBlock(SplittableRandom r, int from, int to, int k, int[] start, int[] wl, int[] truth,
      Alias alias, double[] conf, double[] priorCum) {
    for (int i = from; i < to; i++) {
      double u = r.nextDouble();
      int t = 0;
      while (t < k - 1 && u >= priorCum[t]) {
        t++;
      }
      truth[i] = t;
      int a0 = start[i];
      int a1 = start[i + 1];
      // distinct workers, kept sorted by insertion (few per item)
      for (int a = a0; a < a1; a++) {
        int w;
        boolean dup;
        int guard = 0;
        do {
          w = alias.sample(r);
          dup = false;
          for (int b = a0; b < a; b++) {
            if (wl[b] / k == w) {
              dup = true;
              break;
            }
          }
        } while (dup && ++guard < 10_000);
        double v = r.nextDouble();
        int base = (w * k + t) * k;
        int l = 0;
        double c = conf[base];
        while (l < k - 1 && v >= c) {
          l++;
          c += conf[base + l];
        }
        int val = w * k + l;
        int b = a;
        while (b > a0 && wl[b - 1] / k > w) {
          wl[b] = wl[b - 1];
          b--;
        }
        wl[b] = val;
      }
    }
  }

  private static void runAll(Runnable[] jobs, int threads) {
    int n = Math.max(1, Math.min(threads <= 0 ? Runtime.getRuntime().availableProcessors() : threads, jobs.length));
    if (n == 1) {
      for (Runnable j : jobs) {
        j.run();
      }
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      Future<?>[] fs = new Future<?>[jobs.length];
      for (int j = 0; j < jobs.length; j++) {
        fs[j] = pool.submit(jobs[j]);
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Walker's alias method: O(1) sampling from a discrete distribution. */
  static final class Alias {
    private final double[] prob;
    private final int[] alias;

    Alias(double[] weights) {
      int n = weights.length;
      prob = new double[n];
      alias = new int[n];
      double sum = 0;
      for (double w : weights) {
        sum += w;
      }
      double[] scaled = new double[n];
      int[] small = new int[n];
      int[] large = new int[n];
      int ns = 0;
      int nl = 0;
      for (int i = 0; i < n; i++) {
        scaled[i] = weights[i] * n / sum;
        if (scaled[i] < 1) {
          small[ns++] = i;
        } else {
          large[nl++] = i;
        }
      }
      while (ns > 0 && nl > 0) {
        int s = small[--ns];
        int l = large[--nl];
        prob[s] = scaled[s];
        alias[s] = l;
        scaled[l] = scaled[l] + scaled[s] - 1;
        if (scaled[l] < 1) {
          small[ns++] = l;
        } else {
          large[nl++] = l;
        }
      }
      while (nl > 0) {
        prob[large[--nl]] = 1;
      }
      while (ns > 0) {
        prob[small[--ns]] = 1;
      }
    }

    int sample(SplittableRandom r) {
      int i = r.nextInt(prob.length);
      return r.nextDouble() < prob[i] ? i : alias[i];
    }
  }
}
