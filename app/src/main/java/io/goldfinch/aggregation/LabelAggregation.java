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

  /** Per worker: answers (deduplicated) and the confusion matrix row-major {@code [truth * K + answer]}. */
  public record WorkerModel(String worker, int answers, double[] confusion) {}

  /**
   * What a fit gave: the method that produced it (for {@code auto} the model it chose), per item the label, per worker
   * the model, E-steps run (0 for majority vote), and the job's agreement (NaN where undefined).
   */
  public record Outcome(String method, List<ItemLabel> items, List<WorkerModel> workers, int iterations,
      double krippendorffAlpha, double fleissKappa) {}

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
    int k = data.classes();
    int[] answersBy = new int[data.workers()];
    for (int a = 0; a < data.answers(); a++) {
      answersBy[data.workerLabel[a] / k]++;
    }
    List<WorkerModel> workers = new ArrayList<>(data.workers());
    for (int w = 0; w < data.workers(); w++) {
      if (answersBy[w] > 0) {
        workers.add(new WorkerModel(data.workerName(w), answersBy[w],
            java.util.Arrays.copyOfRange(r.confusion(), w * k * k, (w + 1) * k * k)));
      }
    }
    Agreement.Stats agreement = Agreement.of(data);
    return new Outcome(r.method(), List.copyOf(out), List.copyOf(workers), r.iterations(),
        agreement.krippendorffAlpha(), agreement.fleissKappa());
  }

  static String normalise(String method) {
    if (method == null) {
      throw new IllegalArgumentException("method is null; use one of mv, one-coin, ds, auto");
    }
    return method.trim().toLowerCase(Locale.ROOT);
  }
}
