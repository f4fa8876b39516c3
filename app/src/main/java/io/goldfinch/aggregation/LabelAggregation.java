package io.goldfinch.aggregation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Facade for the web app: string ids in, one label per item out.
 *
 * <p>Items with no answers are absent from the output. Duplicate (item, worker) answers: the highest {@code seq}
 * wins. Output is in lexicographic item order. Gold items come back with their gold label and confidence 1.
 */
public final class LabelAggregation {
  private LabelAggregation() {}

  /** One answer as stored: item id, worker id, label, and a sequence number; for duplicate (item, worker) the highest seq wins. */
  public record Answer(String item, String worker, String label, long seq) {}

  /** Per item: chosen label, its posterior probability in [0,1], number of (deduplicated) answers. */
  public record ItemLabel(String item, String label, double confidence, int answers) {}

  public record Outcome(String method, List<ItemLabel> items) {}

  /**
   * method: "mv", "one-coin", "ds", "auto" (case-insensitive); gold maps item -> correct label; labels is the job's
   * label set (order = class index).
   *
   * @throws IllegalArgumentException on an unknown method, a label (answer or gold) outside {@code labels}, or
   *     null/empty ids
   */
  public static Outcome aggregate(List<Answer> answers, Map<String, String> gold, List<String> labels, String method) {
    Aggregator aggregator = Methods.byName(method);
    AnswerSet data = AnswerSet.of(answers, labels);
    int[] goldClasses = data.goldClasses(gold);
    AggregationResult r = aggregator.fit(data, goldClasses);
    return toOutcome(r);
  }

  static Outcome toOutcome(AggregationResult r) {
    AnswerSet data = r.data();
    List<ItemLabel> out = new ArrayList<>(data.items());
    for (int i = 0; i < data.items(); i++) {
      double c = Math.min(1.0, Math.max(0.0, r.confidence(i)));
      out.add(new ItemLabel(data.itemName(i), data.labels().get(r.labels()[i]), c, data.answersOn(i)));
    }
    return new Outcome(r.method(), List.copyOf(out));
  }

  static String normalise(String method) {
    if (method == null) {
      throw new IllegalArgumentException("method is null; use one of mv, one-coin, ds, auto");
    }
    return method.trim().toLowerCase(Locale.ROOT);
  }
}
