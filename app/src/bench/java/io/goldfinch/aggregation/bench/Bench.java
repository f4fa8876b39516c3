package io.goldfinch.aggregation.bench;
import io.goldfinch.aggregation.*;
class Bench {
  static int[] itemWorkers(AnswerSet d, int i) { return d.workersOn(i); }
  static int[] itemLabels(AnswerSet d, int i) { return d.labelsOn(i); }
}
