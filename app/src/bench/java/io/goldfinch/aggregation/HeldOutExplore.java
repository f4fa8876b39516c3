package io.goldfinch.aggregation;

import io.goldfinch.aggregation.bench.Datasets;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Research: can a model and prior be chosen without gold by the likelihood of held-out answers (5 folds over answers,
 * each fitted without its fold)? Prints per dataset the held-out log-likelihood and the accuracy of five candidates,
 * the pick and majority vote. Answer: no - it prefers full DS where one-coin is far more accurate (ZenCrowd) and misses
 * the more accurate prior on zheng_product and zheng_relevance. In this package for the CSR arrays.
 */
public final class HeldOutExplore {
  public static void main(String[] args) throws Exception {
    Path root = Datasets.root();
    List<Aggregator> cands = List.of(
        new DawidSkene(EmOptions.defaults(ConfusionModel.FULL)),
        new DawidSkene(EmOptions.defaults(ConfusionModel.FULL).withPrior(0.5, 2.0)),
        new DawidSkene(EmOptions.defaults(ConfusionModel.FULL).withPrior(0.1, 1.0).withPooled(10)),
        new DawidSkene(EmOptions.defaults(ConfusionModel.CLASS_ONE_COIN)),
        new DawidSkene(EmOptions.defaults(ConfusionModel.ONE_COIN)));
    for (String name : Datasets.names(root)) {
      Datasets.Loaded set = Datasets.load(root, name);
      AnswerSet d = set.data();
      int[] noGold = Aggregator.noGold(d);
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-26s", name));
      double bestLl = Double.NEGATIVE_INFINITY;
      int best = -1;
      double[] acc = new double[cands.size()];
      for (int c = 0; c < cands.size(); c++) {
        double ll = heldOut(d, cands.get(c), 5, 17);
        AggregationResult full = cands.get(c).fit(d, noGold);
        acc[c] = accuracy(full, set.truth());
        line.append(String.format(Locale.ROOT, " %9.1f/%.4f", ll, acc[c]));
        if (ll > bestLl) {
          bestLl = ll;
          best = c;
        }
      }
      AggregationResult mv = new MajorityVote().fit(d, noGold);
      line.append(String.format(Locale.ROOT, " | pick %d %.4f mv %.4f", best, acc[best], accuracy(mv, set.truth())));
      System.out.println(line);
    }
  }

  static double accuracy(AggregationResult r, int[] truth) {
    int n = 0, ok = 0;
    for (int i = 0; i < truth.length; i++) {
      if (truth[i] >= 0) {
        n++;
        if (r.labels()[i] == truth[i]) {
          ok++;
        }
      }
    }
    return ok / (double) n;
  }

  /** Sum over folds of log P(held-out answer) = log sum_k T_i(k) theta_w[k][l], fitted without the fold. */
  static double heldOut(AnswerSet d, Aggregator a, int folds, long seed) {
    int n = d.workerLabel.length;
    int[] fold = new int[n];
    SplittableRandom r = new SplittableRandom(seed);
    for (int x = 0; x < n; x++) {
      fold[x] = r.nextInt(folds);
    }
    int k = d.classes;
    double total = 0;
    for (int f = 0; f < folds; f++) {
      int[] start = new int[d.items() + 1];
      int m = 0;
      for (int x = 0; x < n; x++) {
        if (fold[x] != f) {
          m++;
        }
      }
      int[] wl = new int[m];
      int p = 0;
      for (int i = 0; i < d.items(); i++) {
        start[i] = p;
        for (int x = d.itemStart[i]; x < d.itemStart[i + 1]; x++) {
          if (fold[x] != f) {
            wl[p++] = d.workerLabel[x];
          }
        }
      }
      start[d.items()] = p;
      AnswerSet train = new AnswerSet(names(d.itemNames), names(d.workerNames), d.labels, start, wl);
      AggregationResult fit = a.fit(train, Aggregator.noGold(train));
      for (int i = 0; i < d.items(); i++) {
        for (int x = d.itemStart[i]; x < d.itemStart[i + 1]; x++) {
          if (fold[x] == f) {
            int w = d.workerLabel[x] / k;
            int l = d.workerLabel[x] % k;
            double s = 0;
            for (int t = 0; t < k; t++) {
              s += fit.posterior(i, t) * fit.confusion()[(w * k + t) * k + l];
            }
            total += Math.log(Math.max(s, 1e-12));
          }
        }
      }
    }
    return total;
  }

  static String[] names(AnswerSet.Names n) {
    String[] out = new String[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i);
    }
    return out;
  }
}
