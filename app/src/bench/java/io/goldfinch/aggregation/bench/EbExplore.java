package io.goldfinch.aggregation.bench;

import io.goldfinch.aggregation.*;
import java.util.*;
import org.apache.commons.math3.special.Gamma;

/** Research: the pooled prior's strength by empirical Bayes (Dirichlet-multinomial marginal likelihood of the workers' soft count rows). */
public class EbExplore {
  public static void main(String[] args) throws Exception {
    var root = Datasets.root();
    for (String name : Datasets.names(root)) {
      var d = Datasets.load(root, name);
      AnswerSet a = d.data();
      int[] none = Aggregator.noGold(a);
      int k = a.classes();
      AggregationResult base = new DawidSkene().fit(a, none);
      StringBuilder sb = new StringBuilder(String.format("%-24s base=%.4f", name, Datasets.accuracy(base.labels(), d.truth(), none)));
      for (String init : List.of("mv", "ds")) {
        AggregationResult src = init.equals("mv") ? new MajorityVote().fit(a, none) : base;
        double[][][] n = new double[a.workers()][k][k];
        for (int i = 0; i < a.items(); i++) {
          int[] ws = a.workersOn(i), ls = a.labelsOn(i);
          for (int j = 0; j < ws.length; j++) for (int t = 0; t < k; t++) n[ws[j]][t][ls[j]] += src.posterior(i, t);
        }
        double s = eb(n, k);
        EmOptions o = EmOptions.defaults(ConfusionModel.FULL).withPooled(s);
        AggregationResult r = new DawidSkene(o).fit(a, none);
        sb.append(String.format("  %s: s=%.2f acc=%.4f", init, s, Datasets.accuracy(r.labels(), d.truth(), none)));
      }
      System.out.println(sb);
    }
  }

  /** One concentration for all rows: maximise the summed Dirichlet-multinomial log evidence over a log grid. */
  static double eb(double[][][] n, int k) {
    double[][] m = new double[k][k];
    for (double[][] w : n) for (int t = 0; t < k; t++) for (int l = 0; l < k; l++) m[t][l] += w[t][l];
    for (int t = 0; t < k; t++) { double s = 0; for (int l = 0; l < k; l++) s += m[t][l]; for (int l = 0; l < k; l++) m[t][l] = Math.max(1e-6, m[t][l] / s); }
    double best = 0, bestLl = Double.NEGATIVE_INFINITY;
    for (double ls = -2; ls <= 3; ls += 0.02) {
      double s = Math.pow(10, ls);
      double ll = 0;
      for (double[][] w : n) for (int t = 0; t < k; t++) {
        double tot = 0; for (int l = 0; l < k; l++) tot += w[t][l];
        if (tot <= 0) continue;
        ll += Gamma.logGamma(s) - Gamma.logGamma(s + tot);
        for (int l = 0; l < k; l++) ll += Gamma.logGamma(s * m[t][l] + w[t][l]) - Gamma.logGamma(s * m[t][l]);
      }
      if (ll > bestLl) { bestLl = ll; best = s; }
    }
    return best;
  }
}
