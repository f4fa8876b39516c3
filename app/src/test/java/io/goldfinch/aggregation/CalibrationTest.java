package io.goldfinch.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.goldfinch.aggregation.cli.AnswerFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Calibration measured (bins, ECE, Brier), a temperature fitted on held-out truth, and auto's tempered confidences. */
class CalibrationTest {

  @Test
  void binsAndErrorsOfAToyCase() {
    // Four labels said at 0.95 (three right), two at 0.55 (one right).
    double[] c = {0.95, 0.95, 0.95, 0.95, 0.55, 0.55};
    boolean[] right = {true, true, true, false, true, false};
    Calibration.Report r = Calibration.of(c, right, 10);
    assertThat(r.labels()).isEqualTo(6);
    assertThat(r.bins().get(9).count()).isEqualTo(4);
    assertThat(r.bins().get(9).accuracy()).isEqualTo(0.75);
    assertThat(r.bins().get(5).meanConfidence()).isCloseTo(0.55, within(1e-12));
    assertThat(r.bins().get(0).accuracy()).isNaN();
    assertThat(r.ece()).isCloseTo(4.0 / 6 * 0.20 + 2.0 / 6 * 0.05, within(1e-12));
    assertThat(r.overconfidence()).isCloseTo((4 * 0.95 + 2 * 0.55) / 6 - 4.0 / 6, within(1e-12));
    assertThat(r.brier()).isCloseTo((3 * 0.0025 + 0.9025 + 0.2025 + 0.3025) / 6, within(1e-12));
    assertThat(Calibration.of(new double[] {1.0}, new boolean[] {true}, 10).bins().get(9).count()).as("1 falls in the last bin").isEqualTo(1);
    assertThat(Calibration.of(new double[0], new boolean[0], 10).ece()).isNaN();
    assertThatThrownBy(() -> Calibration.of(new double[] {1.2}, new boolean[] {true}, 10)).hasMessageContaining("not a probability");
    assertThatThrownBy(() -> Calibration.of(new double[] {Double.NaN}, new boolean[] {true}, 10)).hasMessageContaining("not a probability");
  }

  @Test
  void theFittedTemperatureUndoesAKnownOverconfidence() {
    // True class probabilities q; the model states q^3 renormalised (overconfident); truths drawn from q.
    SplittableRandom rnd = new SplittableRandom(7);
    int n = 20_000;
    int k = 3;
    double[] stated = new double[n * k];
    int[] truth = new int[n];
    for (int i = 0; i < n; i++) {
      double[] q = new double[k];
      double s = 0;
      for (int c = 0; c < k; c++) {
        q[c] = -Math.log(1 - rnd.nextDouble()); // a Dirichlet(1,1,1) draw
        s += q[c];
      }
      double u = rnd.nextDouble() * s;
      truth[i] = u < q[0] ? 0 : u < q[0] + q[1] ? 1 : 2;
      double t = 0;
      for (int c = 0; c < k; c++) {
        t += Math.pow(q[c] / s, 3);
      }
      for (int c = 0; c < k; c++) {
        stated[i * k + c] = Math.pow(q[c] / s, 3) / t;
      }
    }
    double beta = Calibration.inverseTemperature(stated, k, truth);
    assertThat(beta).isCloseTo(1.0 / 3, within(0.03));
    double[] tempered = Calibration.temper(stated, k, beta, null);
    assertThat(ece(tempered, k, truth)).isLessThan(0.02).isLessThan(ece(stated, k, truth) / 3);
  }

  @Test
  void temperingKeepsEveryLabelGoldRowsAndZeros() {
    double[] p = {0.9, 0.1, 0.0, 0.2, 0.5, 0.3, 1.0, 0.0, 0.0};
    double[] t = Calibration.temper(p, 3, 0.5, new int[] {-1, -1, 0});
    assertThat(t[0]).isGreaterThan(t[1]).isLessThan(0.9);
    assertThat(t[2]).isZero();
    assertThat(t[4]).isGreaterThan(t[5]).isGreaterThan(t[3]);
    assertThat(t[3] + t[4] + t[5]).isCloseTo(1.0, within(1e-12));
    assertThat(new double[] {t[6], t[7], t[8]}).containsExactly(1.0, 0.0, 0.0);
  }

  @Test
  void autoStatesConfidencesTheGoldBearsOutWithTheSameLabels() throws Exception {
    Dog dog = dog();
    AnswerSet data = dog.data();
    int[] truth = dog.truth();
    int[] gold = dog.gold();
    AggregationResult raw = new AutoAggregator(0, false).fit(data, gold);
    AggregationResult tempered = new AutoAggregator().fit(data, gold);
    assertThat(tempered.labels()).containsExactly(raw.labels());
    assertThat(tempered.method()).contains("confidence tempered");
    Calibration.Report before = scored(raw, truth, gold);
    Calibration.Report after = scored(tempered, truth, gold);
    assertThat(before.overconfidence()).as("the winner's own confidences are overconfident").isGreaterThan(0.05);
    assertThat(after.ece()).isLessThan(before.ece() / 2);
    for (int i = 0; i < gold.length; i++) {
      if (gold[i] >= 0) {
        assertThat(tempered.confidence(i)).as("golds stay clamped").isEqualTo(1.0);
      }
    }
  }

  @Test
  void anExplicitModelIsCalibratedOnGoldToo() throws Exception {
    Dog dog = dog();
    AnswerSet data = dog.data();
    int[] truth = dog.truth();
    int[] gold = dog.gold();
    AggregationResult raw = new DawidSkene().fit(data, gold);
    AggregationResult ds = Methods.byName("ds").fit(data, gold);
    assertThat(ds.labels()).containsExactly(raw.labels());
    assertThat(ds.method()).startsWith(raw.method()).contains("confidence tempered");
    assertThat(scored(ds, truth, gold).ece()).isLessThan(scored(raw, truth, gold).ece() / 2);
    // Too few golds to calibrate on: the model's own confidences.
    int[] few = Aggregator.noGold(data);
    for (int i = 0; i < 100 && i < few.length; i += 10) {
      few[i] = truth[i];
    }
    assertThat(Methods.byName("ds").fit(data, few).posterior()).containsExactly(new DawidSkene().fit(data, few).posterior());
  }

  /** zheng_dog with every tenth item's truth as gold (the test is skipped without ../shared/datasets). */
  private record Dog(AnswerSet data, int[] truth, int[] gold) {
  }

  private static Dog dog() throws Exception {
    Path root = Fixtures.datasets();
    assumeTrue(root != null && Files.isDirectory(root.resolve("zheng_dog")), "shared/datasets not found");
    Map<String, String> truthCsv = AnswerFiles.gold(root.resolve("zheng_dog").resolve("truth.csv"));
    AnswerSet data = AnswerFiles.answers(root.resolve("zheng_dog").resolve("labels.csv"), truthCsv, null);
    int[] truth = data.goldClasses(truthCsv);
    int[] gold = Aggregator.noGold(data);
    for (int i = 0; i < gold.length; i += 10) {
      gold[i] = truth[i];
    }
    return new Dog(data, truth, gold);
  }

  private static Calibration.Report scored(AggregationResult r, int[] truth, int[] gold) {
    int n = 0;
    for (int i = 0; i < truth.length; i++) {
      n += truth[i] >= 0 && gold[i] < 0 ? 1 : 0;
    }
    double[] c = new double[n];
    boolean[] right = new boolean[n];
    int j = 0;
    for (int i = 0; i < truth.length; i++) {
      if (truth[i] >= 0 && gold[i] < 0) {
        c[j] = Math.min(1, r.confidence(i));
        right[j++] = r.labels()[i] == truth[i];
      }
    }
    return Calibration.of(c, right, 10);
  }

  private static double ece(double[] posterior, int k, int[] truth) {
    double[] c = new double[truth.length];
    boolean[] right = new boolean[truth.length];
    for (int i = 0; i < truth.length; i++) {
      int best = 0;
      for (int x = 1; x < k; x++) {
        if (posterior[i * k + x] > posterior[i * k + best]) {
          best = x;
        }
      }
      c[i] = Math.min(1, posterior[i * k + best]);
      right[i] = best == truth[i];
    }
    return Calibration.of(c, right, 10).ece();
  }
}
