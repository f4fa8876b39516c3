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
    withGold.put("ds untempered", new io.goldfinch.aggregation.DawidSkene());
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
    // The online posterior that closes items while a job runs (one-coin, worker accuracies from gold records): replay
    // each item's answers in their order and close it, as dynamic overlap does, once it has 2 answers and its
    // confidence reaches the target. Are the items closed "at 0.95" right 95% of the time? And if the posterior were
    // tempered, with a temperature fitted on the golds replayed the same way: how right, at how many more answers?
    System.out.printf(Locale.ROOT, "%nonline posterior (one-coin, accuracies from %.0f%% gold), items closed at a 0.95 target after 2+ answers%n", share * 100);
    System.out.printf(Locale.ROOT, "%-24s %8s %10s %10s | %s%n", "dataset", "closed", "stated", "right", "all items at their last answer: ECE / overconfidence");
    List<double[]> closedAll = new ArrayList<>();
    for (String name : Datasets.names(root)) {
      Datasets.Loaded d = Datasets.load(root, name);
      int[] g = d.gold(share, seed);
      var data = d.data();
      double[] accuracy = Datasets.goldAccuracies(data, g);
      // Golds replayed as normal items: where each would have closed, and its posterior there; one temperature fitted on them.
      List<double[]> goldRows = new ArrayList<>();
      List<Integer> goldTruth = new ArrayList<>();
      for (int i = 0; i < data.items(); i++) {
        if (g[i] >= 0) {
          double[] post = close(data, i, accuracy, 1.0, null);
          for (int k = 0; k < data.classes(); k++) {
            goldRows.add(new double[] {post[k]});
          }
          goldTruth.add(g[i]);
        }
      }
      double beta = goldTruth.size() < 20 ? 1 : Calibration.inverseTemperature(goldRows.stream().mapToDouble(r -> r[0]).toArray(), data.classes(),
          goldTruth.stream().mapToInt(Integer::intValue).toArray());
      List<double[]> closed = new ArrayList<>();
      List<double[]> last = new ArrayList<>();
      List<double[]> closedT = new ArrayList<>();
      long bought = 0;
      long boughtT = 0;
      int scoredItems = 0;
      for (int i = 0; i < data.items(); i++) {
        if (d.truth()[i] < 0 || g[i] >= 0) {
          continue;
        }
        scoredItems++;
        int[] used = new int[1];
        double[] post = close(data, i, accuracy, 1.0, used);
        bought += used[0];
        int best = io.goldfinch.quality.OneCoinPosterior.argmax(post);
        double[] scored = {Math.min(1, post[best]), best == d.truth()[i] ? 1 : 0};
        (post[best] >= 0.95 ? closed : last).add(scored);
        double[] postT = close(data, i, accuracy, beta, used);
        boughtT += used[0];
        int bestT = io.goldfinch.quality.OneCoinPosterior.argmax(postT);
        if (postT[bestT] >= 0.95) {
          closedT.add(new double[] {Math.min(1, postT[bestT]), bestT == d.truth()[i] ? 1 : 0});
        }
      }
      Calibration.Report ct = report(closedT);
      String tempered = String.format(Locale.ROOT, "    tempered 1/%.2f on %d golds: closed %d, stated %.3f, right %.3f; answers per item %.2f -> %.2f", 1 / beta,
          goldTruth.size(), ct.labels(), ct.meanConfidence(), ct.accuracy(), (double) bought / scoredItems, (double) boughtT / scoredItems);
      closedAll.addAll(closed);
      List<double[]> every = new ArrayList<>(closed);
      every.addAll(last);
      Calibration.Report c = report(closed);
      Calibration.Report all = report(every);
      System.out.printf(Locale.ROOT, "%-24s %8d %10.3f %10.3f | %.3f / %+.3f%n", name, c.labels(), c.meanConfidence(), c.accuracy(), all.ece(), all.overconfidence());
      System.out.println(tempered);
    }
    Calibration.Report closedPooled = report(closedAll);
    System.out.printf(Locale.ROOT, "%-24s %8d %10.3f %10.3f%n", "pooled", closedPooled.labels(), closedPooled.meanConfidence(), closedPooled.accuracy());

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

  /**
   * The item's one-coin posterior where dynamic overlap would close it (2+ answers and confidence at least 0.95 after
   * tempering with {@code beta}), or after its last answer; {@code used[0]} gets the answers bought.
   */
  private static double[] close(io.goldfinch.aggregation.AnswerSet data, int i, double[] accuracy, double beta, int[] used) {
    int[] ws = data.workersOn(i);
    int[] ls = data.labelsOn(i);
    double[] acc = new double[ws.length];
    for (int j = 0; j < ws.length; j++) {
      acc[j] = accuracy[ws[j]];
    }
    double[] post = null;
    for (int n = 1; n <= ws.length; n++) {
      post = io.goldfinch.quality.OneCoinPosterior.posterior(data.classes(), java.util.Arrays.copyOf(ls, n), java.util.Arrays.copyOf(acc, n), null);
      if (beta != 1) {
        post = Calibration.temper(post, data.classes(), beta, null);
      }
      if (used != null) {
        used[0] = n;
      }
      if (n >= 2 && post[io.goldfinch.quality.OneCoinPosterior.argmax(post)] >= 0.95) {
        break;
      }
    }
    return post;
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
