package io.goldfinch.aggregation.bench;

import io.goldfinch.aggregation.AnswerSet;
import io.goldfinch.aggregation.cli.AnswerFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Locates and loads ../shared/datasets (read in place, never copied). */
public final class Datasets {
  private Datasets() {}

  /** System property {@code goldfinch.datasets}, else the first {@code shared/datasets} found upwards from the working directory. */
  public static Path root() {
    String p = System.getProperty("goldfinch.datasets");
    if (p != null) {
      return Path.of(p);
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path c = d.resolve("shared").resolve("datasets");
      if (Files.isDirectory(c)) {
        return c;
      }
    }
    throw new IllegalStateException("no shared/datasets found upwards of " + Path.of("").toAbsolutePath()
        + "; set -Dgoldfinch.datasets=DIR");
  }

  public static List<String> names(Path root) throws java.io.IOException {
    try (var s = Files.list(root)) {
      return s.filter(d -> Files.isRegularFile(d.resolve("labels.csv"))).map(d -> d.getFileName().toString())
          .sorted().toList();
    }
  }

  /** One dataset: its answers (label set = labels seen in answers and truth) and truth per item (-1 = none). */
  public record Loaded(String name, AnswerSet data, int[] truth) {
    /** A seeded random {@code share} of the truth items with answers, as gold; the rest -1. */
    public int[] gold(double share, long seed) {
      List<Integer> ti = new ArrayList<>();
      for (int i = 0; i < truth.length; i++) {
        if (truth[i] >= 0) {
          ti.add(i);
        }
      }
      Collections.shuffle(ti, new Random(seed));
      int[] g = new int[truth.length];
      java.util.Arrays.fill(g, -1);
      for (int j = 0; j < Math.round(share * ti.size()); j++) {
        g[ti.get(j)] = truth[ti.get(j)];
      }
      return g;
    }
  }

  public static Loaded load(Path root, String name) throws AnswerFiles.InvalidInputException {
    Path dir = root.resolve(name);
    Map<String, String> truth = AnswerFiles.gold(dir.resolve("truth.csv"));
    AnswerSet data = AnswerFiles.answers(dir.resolve("labels.csv"), truth, null);
    return new Loaded(name, data, data.goldClasses(truth));
  }

  /** Accuracy on the truth items that are not gold. */
  public static double accuracy(int[] labels, int[] truth, int[] gold) {
    int n = 0;
    int c = 0;
    for (int i = 0; i < truth.length; i++) {
      if (truth[i] >= 0 && gold[i] < 0) {
        n++;
        if (labels[i] == truth[i]) {
          c++;
        }
      }
    }
    return n == 0 ? Double.NaN : (double) c / n;
  }

  /**
   * Each worker's accuracy as the app estimates it from a gold record ({@link io.goldfinch.quality.WorkerAccuracy}),
   * the record being his answers on the items given as gold.
   */
  public static double[] goldAccuracies(AnswerSet data, int[] gold) {
    long[][] record = goldRecords(data, gold);
    double[] out = new double[data.workers()];
    for (int w = 0; w < out.length; w++) {
      out[w] = io.goldfinch.quality.WorkerAccuracy.estimate(record[1][w], record[0][w]);
    }
    return out;
  }

  /** Each worker's gold record: {@code [0][w]} golds answered, {@code [1][w]} of them right. */
  public static long[][] goldRecords(AnswerSet data, int[] gold) {
    long[] answered = new long[data.workers()];
    long[] correct = new long[data.workers()];
    for (int i = 0; i < data.items(); i++) {
      if (gold[i] >= 0) {
        int[] ws = data.workersOn(i);
        int[] ls = data.labelsOn(i);
        for (int j = 0; j < ws.length; j++) {
          answered[ws[j]]++;
          correct[ws[j]] += ls[j] == gold[i] ? 1 : 0;
        }
      }
    }
    return new long[][]{answered, correct};
  }
}
