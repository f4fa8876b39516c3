package io.goldfinch.aggregation.bench;

import io.goldfinch.aggregation.AggregationResult;
import io.goldfinch.aggregation.Aggregator;
import io.goldfinch.aggregation.Methods;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Accuracy report over every set in shared/datasets: each method without gold and with 10% of the truth given as
 * gold (seeded), scored on the non-gold truth items, beside the published figures and the goals.
 *
 * <p>Run: {@code java -cp ... io.goldfinch.aggregation.bench.AccuracyReport [-Dgoldfinch.datasets=DIR]
 * [goldShare=0.1] [seed=20240601]}
 */
public final class AccuracyReport {
  /** Published / reference figures from shared/datasets/README.md: MV, DS (or best). */
  static final Map<String, String> PUBLISHED = Map.ofEntries(
      Map.entry("zheng_product", ".8966 | DS .9366/.940, BCC .9378"),
      Map.entry("zheng_sentiment", ".9331 | DS .9600"),
      Map.entry("zheng_relevance", ".5419 | DS .6130/.615, LFC .6164"),
      Map.entry("zheng_adult", ".763 | DS .748"),
      Map.entry("zheng_dog", ".822 | DS .8426"),
      Map.entry("zheng_face", ".637 | DS .6404"),
      Map.entry("bluebirds", ".7593 | DS .8981"),
      Map.entry("snow_rte", ".897 | DS .9275"),
      Map.entry("snow_temp", ".936 | DS ~.94"),
      Map.entry("snow_wsd", ".994 | .994"),
      Map.entry("acrowd_sp", ".886 | DS ~.915"),
      Map.entry("acrowd_sp_amt", ".943 | ~.944"),
      Map.entry("acrowd_cf_amt", ".853 | DS ~.837"),
      Map.entry("acrowd_zencrowd_all", ".832 | DS ~.796, 1coin ~.844"),
      Map.entry("acrowd_zencrowd_in", ".741 | DS ~.757, 1coin ~.792"),
      Map.entry("acrowd_zencrowd_us", ".861 | DS ~.823, 1coin ~.905"),
      Map.entry("gal_barzanmozafari", ".696 | DS ~.712"),
      Map.entry("gal_hitspam_crowdflower", ".660 | .660"));
  static final Map<String, Double> GOALS = Map.of("zheng_product", .940, "zheng_sentiment", .960,
      "zheng_relevance", .616, "snow_rte", .9275, "zheng_dog", .8426, "bluebirds", .898);

  public static void main(String[] args) throws Exception {
    double share = args.length > 0 ? Double.parseDouble(args[0]) : 0.1;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 20240601L;
    Path root = Datasets.root();
    List<String> methods = List.of("mv", "one-coin", "cc-one-coin", "ds", "auto");
    System.out.printf(Locale.ROOT, "datasets: %s; gold: %.0f%% of truth items, seed %d; accuracy on non-gold truth items%n",
        root, share * 100, seed);
    System.out.println("MV tie-break: most frequent label in the job, then label-set order. Published: MV | DS/best.");
    StringBuilder head = new StringBuilder(String.format("%-24s", "dataset"));
    for (String g : List.of("no gold", "10% gold")) {
      for (String m : methods) {
        head.append(String.format(" %11s", m));
      }
      head.append(" |");
    }
    System.out.println(head + " goal   | published      | auto choice (10% gold)");
    List<String> failures = new ArrayList<>();
    long t0 = System.nanoTime();
    for (String name : Datasets.names(root)) {
      Datasets.Loaded d = Datasets.load(root, name);
      StringBuilder row = new StringBuilder(String.format("%-24s", name));
      String choice = "";
      for (double s : new double[] {0, share}) {
        int[] gold = s == 0 ? Aggregator.noGold(d.data()) : d.gold(s, seed);
        double mv = Double.NaN;
        for (String m : methods) {
          AggregationResult r = Methods.byName(m).fit(d.data(), gold);
          double acc = Datasets.accuracy(r.labels(), d.truth(), gold);
          if (m.equals("mv")) {
            mv = acc;
          }
          if (m.equals("auto")) {
            if (acc < mv - 0.005) {
              failures.add(String.format(Locale.ROOT, "%s auto %.4f < mv %.4f - 0.5pt (%s)", name, acc, mv,
                  s == 0 ? "no gold" : "gold"));
            }
            if (s > 0) {
              choice = r.method();
            }
          }
          Double goal = GOALS.get(name);
          if (goal != null && (m.equals("auto") || m.equals("ds")) && acc < goal) {
            failures.add(String.format(Locale.ROOT, "%s %s %.4f < goal %.4f (%s)", name, m, acc, goal,
                s == 0 ? "no gold" : "gold"));
          }
          row.append(String.format(Locale.ROOT, " %11.4f", acc));
        }
        row.append(" |");
      }
      Double goal = GOALS.get(name);
      row.append(goal == null ? "        " : String.format(Locale.ROOT, " %.4f ", goal));
      row.append("| ").append(PUBLISHED.getOrDefault(name, "")).append(" | ").append(choice);
      System.out.println(row);
    }
    System.out.printf(Locale.ROOT, "total %.1f s%n", (System.nanoTime() - t0) / 1e9);
    System.out.println(failures.isEmpty() ? "all goals met" : "misses:\n  " + String.join("\n  ", failures));
  }
}
