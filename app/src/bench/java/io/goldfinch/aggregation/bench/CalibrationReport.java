package io.goldfinch.aggregation.bench;

import io.goldfinch.aggregation.AggregationResult;
import io.goldfinch.aggregation.Aggregator;
import io.goldfinch.aggregation.AutoAggregator;
import io.goldfinch.aggregation.Calibration;
import io.goldfinch.aggregation.Methods;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Are the engine's confidences calibrated? Per dataset and method, the posterior of each scored truth item's chosen
 * label against whether it equals the truth: expected calibration error (10 bins), overconfidence (mean confidence
 * minus accuracy) and Brier score; then the bins pooled over every dataset. Without gold (mv, one-coin, ds), and with
 * {@code goldShare} of truth given as gold (seeded, as the accuracy report), scored on the other truth items: ds,
 * auto with its confidences as its winner states them, and auto tempered on held-out gold (what the app runs).
 */
public class CalibrationReport {
  public static void main(String[] args) throws Exception {
    double share = args.length > 0 ? Double.parseDouble(args[0]) : 0.1;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 20240601L;
    Path root = Datasets.root();
    Map<String, Aggregator> noGold = new LinkedHashMap<>();
    for (String m : List.of("mv", "one-coin", "ds")) {
      noGold.put(m, Methods.byName(m));
    }
    Map<String, Aggregator> withGold = new LinkedHashMap<>();
    withGold.put("ds", Methods.byName("ds"));
    withGold.put("auto untempered", new AutoAggregator(0, false));
    withGold.put("auto", new AutoAggregator());
    System.out.printf(Locale.ROOT, "datasets: %s; ECE (10 bins) / overconfidence / Brier of the chosen label's confidence on truth items%n", root);
    Map<String, List<double[]>> pooled = new LinkedHashMap<>();
    for (boolean gold : new boolean[] {false, true}) {
      Map<String, Aggregator> methods = gold ? withGold : noGold;
      System.out.printf(Locale.ROOT, "%n%s%n", gold ? String.format(Locale.ROOT, "%.0f%% of truth as gold (seed %d), scored on the rest", share * 100, seed) : "no gold");
      StringBuilder head = new StringBuilder(String.format("%-24s", "dataset"));
      for (String m : methods.keySet()) {
        head.append(String.format(" | %-24s", m));
      }
      System.out.println(head);
      for (String name : Datasets.names(root)) {
        Datasets.Loaded d = Datasets.load(root, name);
        int[] g = gold ? d.gold(share, seed) : Aggregator.noGold(d.data());
        StringBuilder row = new StringBuilder(String.format("%-24s", name));
        for (var m : methods.entrySet()) {
          AggregationResult r = m.getValue().fit(d.data(), g);
          List<double[]> scored = new ArrayList<>();
          for (int i = 0; i < d.truth().length; i++) {
            if (d.truth()[i] >= 0 && g[i] < 0) {
              scored.add(new double[] {Math.min(1, Math.max(0, r.confidence(i))), r.labels()[i] == d.truth()[i] ? 1 : 0});
            }
          }
          pooled.computeIfAbsent((gold ? "gold: " : "no gold: ") + m.getKey(), k -> new ArrayList<>()).addAll(scored);
          Calibration.Report c = report(scored);
          row.append(String.format(Locale.ROOT, " | %.3f / %+.3f / %.3f   ", c.ece(), c.overconfidence(), c.brier()));
        }
        System.out.println(row);
      }
    }
    for (var e : pooled.entrySet()) {
      Calibration.Report c = report(e.getValue());
      System.out.printf(Locale.ROOT, "%n%s, pooled over every set: %d labels, accuracy %.3f, mean confidence %.3f, ECE %.3f, overconfidence %+.3f, Brier %.3f%n",
          e.getKey(), c.labels(), c.accuracy(), c.meanConfidence(), c.ece(), c.overconfidence(), c.brier());
      for (Calibration.Bin b : c.bins()) {
        if (b.count() > 0) {
          System.out.printf(Locale.ROOT, "  [%.1f, %.1f)  %6d labels  said %.3f  right %.3f%n", b.lower(), b.upper(), b.count(), b.meanConfidence(), b.accuracy());
        }
      }
    }
  }

  private static Calibration.Report report(List<double[]> scored) {
    double[] conf = new double[scored.size()];
    boolean[] right = new boolean[scored.size()];
    for (int i = 0; i < conf.length; i++) {
      conf[i] = scored.get(i)[0];
      right[i] = scored.get(i)[1] == 1;
    }
    return Calibration.of(conf, right, 10);
  }
}
