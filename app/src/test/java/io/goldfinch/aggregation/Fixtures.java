package io.goldfinch.aggregation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small builders shared by the aggregation tests. */
final class Fixtures {
  private Fixtures() {}

  static final List<String> AB = List.of("a", "b");

  /** Answers from "item worker label" triples, seq = position. */
  static List<LabelAggregation.Answer> answers(String... triples) {
    List<LabelAggregation.Answer> out = new ArrayList<>();
    for (String t : triples) {
      String[] f = t.split(" ");
      out.add(new LabelAggregation.Answer(f[0], f[1], f[2], out.size()));
    }
    return out;
  }

  static AnswerSet set(List<String> labels, String... triples) {
    return AnswerSet.of(answers(triples), labels);
  }

  /** Every aggregator the engine offers, with default settings. */
  static List<Aggregator> all() {
    List<Aggregator> a = new ArrayList<>();
    for (String m : Methods.NAMES) {
      a.add(Methods.byName(m));
    }
    a.add(new DawidSkene(EmOptions.defaults(ConfusionModel.FULL).withPrior(0.1, 1).withPooled(10)));
    a.add(new DawidSkene(EmOptions.defaults(ConfusionModel.FULL).withPrior(0, 0)));
    return a;
  }

  /**
   * shared/datasets: system property goldfinch.datasets, else ../../shared/datasets from the working directory
   * (the app module), else the first shared/datasets upwards; null if none.
   */
  static Path datasets() {
    String p = System.getProperty("goldfinch.datasets");
    if (p != null) {
      return Files.isDirectory(Path.of(p)) ? Path.of(p) : null;
    }
    Path rel = Path.of("../../shared/datasets");
    if (Files.isDirectory(rel)) {
      return rel;
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path c = d.resolve("shared").resolve("datasets");
      if (Files.isDirectory(c)) {
        return c;
      }
    }
    return null;
  }

  static Map<String, String> map(String... kv) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
