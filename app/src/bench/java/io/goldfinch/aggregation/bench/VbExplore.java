package io.goldfinch.aggregation.bench;

import io.goldfinch.aggregation.*;
import java.util.*;

/**
 * Research (issue 3): variational-Bayes Dawid-Skene against the MAP fit, without gold. The E-step uses
 * E[log theta] = digamma(n + a) - digamma(row + sum a) under a Dirichlet(a + d on the diagonal) posterior, which
 * discounts sparse workers by their uncertainty instead of by a stronger point prior. A plain, single-threaded
 * loop (soft majority-vote start, latest answer per (item, worker) as the engine keeps), stopped when no posterior
 * moves by 1e-9. Settings "map:a:d" or "vb:a:d", separated by ';'. Usage: {@code VbExplore [sets] [settings]}.
 */
public class VbExplore {
  public static void main(String[] args) throws Exception {
    var root = Datasets.root();
    List<String> names = args.length > 0 ? Arrays.asList(args[0].split(",")) : Datasets.names(root);
    String[] settings = args.length > 1 ? args[1].split(";") : new String[]{"map:0.01:0", "vb:1:0", "vb:0.5:1", "vb:1:1", "vb:1:2", "vb:0.1:0"};
    System.out.printf("%-24s %7s", "set", "ds");
    for (String s : settings) System.out.printf(" %12s", s);
    System.out.println();
    for (String name : names) {
      var d = Datasets.load(root, name);
      int[] none = Aggregator.noGold(d.data());
      double ref = Datasets.accuracy(new DawidSkene(EmOptions.defaults(ConfusionModel.FULL)).fit(d.data(), none).labels(), d.truth(), none);
      System.out.printf("%-24s %7.4f", name, ref);
      for (String s : settings) {
        String[] p = s.split(":");
        int[] labels = fit(d.data(), p[0].equals("vb"), Double.parseDouble(p[1]), Double.parseDouble(p[2]), 500);
        System.out.printf(" %12.4f", Datasets.accuracy(labels, d.truth(), none));
      }
      System.out.println();
    }
  }

  static int[] fit(AnswerSet data, boolean vb, double a, double dg, int cap) {
    int n = data.items(), w = data.workers(), k = data.classes();
    int[][] ws = new int[n][], ls = new int[n][];
    for (int i = 0; i < n; i++) { ws[i] = data.workersOn(i); ls[i] = data.labelsOn(i); }
    double[][] T = new double[n][k];
    for (int i = 0; i < n; i++) {
      for (int l : ls[i]) T[i][l] += 1;
      double s = 0; for (double v : T[i]) s += v;
      for (int t = 0; t < k; t++) T[i][t] = s > 0 ? T[i][t] / s : 1.0 / k;
    }
    double[] lt = new double[w * k * k];
    double[] lp = new double[k];
    double prevChange = 0;
    for (int it = 0; it < cap; it++) {
      double[] c = new double[w * k * k];
      double[] cc = new double[k];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < ws[i].length; j++) {
          int b = ws[i][j] * k * k;
          for (int t = 0; t < k; t++) c[b + t * k + ls[i][j]] += T[i][t];
        }
        for (int t = 0; t < k; t++) cc[t] += T[i][t];
      }
      for (int u = 0; u < w; u++) for (int t = 0; t < k; t++) {
        double row = 0;
        int b = u * k * k + t * k;
        for (int l = 0; l < k; l++) row += c[b + l] + a + (l == t ? dg : 0);
        for (int l = 0; l < k; l++) {
          double v = c[b + l] + a + (l == t ? dg : 0);
          lt[b + l] = vb ? digamma(v) - digamma(row) : Math.log(Math.max(v / row, 1e-10));
        }
      }
      double tot = 0; for (double v : cc) tot += v + 1;
      for (int t = 0; t < k; t++) lp[t] = vb ? digamma(cc[t] + 1) - digamma(tot) : Math.log((cc[t] + 1) / tot);
      double change = 0;
      double[] s = new double[k];
      for (int i = 0; i < n; i++) {
        for (int t = 0; t < k; t++) s[t] = lp[t];
        for (int j = 0; j < ws[i].length; j++) {
          int b = ws[i][j] * k * k;
          for (int t = 0; t < k; t++) s[t] += lt[b + t * k + ls[i][j]];
        }
        double m = Double.NEGATIVE_INFINITY; for (double v : s) m = Math.max(m, v);
        double z = 0; for (int t = 0; t < k; t++) { s[t] = Math.exp(s[t] - m); z += s[t]; }
        for (int t = 0; t < k; t++) { double v = s[t] / z; change = Math.max(change, Math.abs(v - T[i][t])); T[i][t] = v; }
      }
      if (change < 1e-9) break;
    }
    int[] out = new int[n];
    for (int i = 0; i < n; i++) { int best = 0; for (int t = 1; t < k; t++) if (T[i][t] > T[i][best]) best = t; out[i] = best; }
    return out;
  }

  static double digamma(double x) {
    double r = 0;
    while (x < 6) { r -= 1 / x; x += 1; }
    double f = 1 / (x * x);
    return r + Math.log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
  }
}
