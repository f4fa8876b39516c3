package io.goldfinch.aggregation;

import io.goldfinch.aggregation.bench.Datasets;

import org.apache.commons.math3.special.Gamma;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Research: can the strength of the full Dawid-Skene confusion prior be chosen without gold by empirical Bayes, i.e.
 * by the (approximate) marginal likelihood of the answers under each prior? For each grid point (alpha, beta) it fits
 * full DS without gold and scores
 *
 * <pre>
 *   sum_i sum_k T_ik log pi_k + H(T) + sum_w sum_k [log B(n_wk + a_k) - log B(a_k)]
 * </pre>
 *
 * where n_wk are the worker's expected counts under the posterior T and a_k the prior row (alpha everywhere, plus
 * beta on the diagonal): the collapsed evidence with the hidden classes replaced by their posterior. Prints the
 * accuracy at every grid point, the evidence pick, and the default. In this package for the CSR arrays.
 */
public final class EvidenceExplore {
  static final double[] ALPHAS = {0.01, 0.1, 0.5, 1, 2};
  static final double[] BETAS = {0, 0.5, 1, 2, 4};

  public static void main(String[] args) throws Exception {
    Path root = Datasets.root();
    for (String name : args.length > 0 ? java.util.List.of(args[0].split(",")) : Datasets.names(root)) {
      Datasets.Loaded set = Datasets.load(root, name);
      AnswerSet d = set.data();
      int[] noGold = Aggregator.noGold(d);
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-24s", name));
      double bestEv = Double.NEGATIVE_INFINITY;
      String best = "";
      double bestAcc = 0;
      double def = HeldOutExplore.accuracy(new DawidSkene(EmOptions.defaults(ConfusionModel.FULL)).fit(d, noGold), set.truth());
      for (double a : ALPHAS) {
        for (double b : BETAS) {
          EmOptions o = EmOptions.defaults(ConfusionModel.FULL).withPrior(a, b);
          AggregationResult r = new DawidSkene(o).fit(d, noGold);
          double acc = HeldOutExplore.accuracy(r, set.truth());
          double ev = evidence(d, r, a, b);
          line.append(String.format(Locale.ROOT, " %s/%s=%.4f(%.0f)", fmt(a), fmt(b), acc, ev));
          if (ev > bestEv) {
            bestEv = ev;
            best = fmt(a) + "/" + fmt(b);
            bestAcc = acc;
          }
        }
      }
      double mv = HeldOutExplore.accuracy(new MajorityVote().fit(d, noGold), set.truth());
      System.out.println(line);
      System.out.printf(Locale.ROOT, "%-24s PICK %s %.4f | default %.4f | mv %.4f%n", name, best, bestAcc, def, mv);
    }
  }

  static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  static double evidence(AnswerSet d, AggregationResult r, double alpha, double beta) {
    int k = d.classes;
    int workers = d.workers();
    double[] n = new double[workers * k * k];
    double ev = 0;
    double[] pri = r.classPriors();
    for (int i = 0; i < d.items(); i++) {
      for (int t = 0; t < k; t++) {
        double p = r.posterior(i, t);
        if (p > 0) {
          ev += p * Math.log(pri[t]) - p * Math.log(p);
        }
      }
      for (int x = d.itemStart[i]; x < d.itemStart[i + 1]; x++) {
        int w = d.workerLabel[x] / k;
        int l = d.workerLabel[x] % k;
        for (int t = 0; t < k; t++) {
          n[(w * k + t) * k + l] += r.posterior(i, t);
        }
      }
    }
    double rowA = k * alpha + beta;
    double lbA = 0;
    for (int l = 0; l < k; l++) {
      lbA += Gamma.logGamma(alpha + (l == 0 ? beta : 0));
    }
    lbA -= Gamma.logGamma(rowA);
    for (int w = 0; w < workers; w++) {
      for (int t = 0; t < k; t++) {
        double tot = 0;
        double s = 0;
        for (int l = 0; l < k; l++) {
          double c = n[(w * k + t) * k + l];
          tot += c;
          s += Gamma.logGamma(c + alpha + (l == t ? beta : 0));
        }
        s -= Gamma.logGamma(tot + rowA);
        ev += s - lbA;
      }
    }
    return ev;
  }
}
