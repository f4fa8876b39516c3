package io.goldfinch.aggregation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EngineTest {

  /**
   * Three reliable workers and one who always answers the opposite: majority vote follows the majority, and
   * Dawid-Skene learns that w4 is a perfect inverter and becomes certain.
   */
  @Test
  void toyCaseWithAKnownAnswer() {
    List<String> t = new ArrayList<>();
    String[] truth = {"a", "b", "a", "b", "a", "a", "b", "b", "a", "b"};
    for (int i = 0; i < truth.length; i++) {
      String other = truth[i].equals("a") ? "b" : "a";
      t.add("i" + i + " w1 " + truth[i]);
      t.add("i" + i + " w2 " + truth[i]);
      t.add("i" + i + " w3 " + (i == 0 ? other : truth[i]));
      t.add("i" + i + " w4 " + other);
    }
    AnswerSet data = Fixtures.set(Fixtures.AB, t.toArray(new String[0]));
    for (Aggregator agg : List.of(new MajorityVote(), new DawidSkene(), new OneCoin(), new ClassConditionalOneCoin())) {
      AggregationResult r = agg.fit(data, Aggregator.noGold(data));
      // item 0 is a 2-2 tie for majority vote; the models resolve it through w3's and w4's records
      for (int i = agg instanceof MajorityVote ? 1 : 0; i < truth.length; i++) {
        assertEquals(truth[i], data.labels().get(r.labels()[data.itemIndex("i" + i)]), agg.name() + " item " + i);
      }
    }
    AggregationResult ds = new DawidSkene().fit(data, Aggregator.noGold(data));
    double[][] w4 = ds.confusion(data.workerIndex("w4"));
    assertTrue(w4[0][1] > 0.9 && w4[1][0] > 0.9, "w4 learnt as an inverter");
    assertTrue(ds.confidence(data.itemIndex("i0")) > 0.99);
    assertTrue(ds.converged());
  }

  @Test
  void majorityVoteTieGoesToTheMoreFrequentLabelThenToLabelOrder() {
    AnswerSet data = Fixtures.set(Fixtures.AB, "x w1 a", "x w2 b", "y w1 b", "y w2 b", "y w3 b");
    AggregationResult r = new MajorityVote().fit(data, Aggregator.noGold(data));
    assertEquals(1, r.labels()[data.itemIndex("x")], "b is more frequent in the job");
    assertEquals(0.5, r.confidence(data.itemIndex("x")));
    AnswerSet even = Fixtures.set(Fixtures.AB, "x w1 a", "x w2 b");
    assertEquals(0, new MajorityVote().fit(even, Aggregator.noGold(even)).labels()[0], "then label-set order");
  }

  @Test
  void answerOrderDoesNotChangeAnything() {
    SyntheticCrowd.Crowd c = SyntheticCrowd.generate(7, 3000, 4, 40, 3, 0.2, 1);
    List<LabelAggregation.Answer> answers = toAnswers(c.answers());
    List<LabelAggregation.Answer> shuffled = new ArrayList<>(answers);
    Collections.shuffle(shuffled, new Random(3));
    AnswerSet a = AnswerSet.of(answers, c.answers().labels());
    AnswerSet b = AnswerSet.of(shuffled, c.answers().labels());
    for (Aggregator agg : Fixtures.all()) {
      AggregationResult ra = agg.fit(a, Aggregator.noGold(a));
      AggregationResult rb = agg.fit(b, Aggregator.noGold(b));
      assertArrayEquals(ra.posterior(), rb.posterior(), 0.0, agg.name());
      assertArrayEquals(ra.labels(), rb.labels(), agg.name());
    }
  }

  @Test
  void resultsAreDeterministicAndIndependentOfThreads() {
    // large enough to be cut into parts for two threads
    SyntheticCrowd.Crowd c = SyntheticCrowd.generate(11, 400_000, 5, 2000, 2, 0.15, 0);
    AnswerSet d = c.answers();
    EmOptions o = EmOptions.defaults(ConfusionModel.FULL).withIterations(1e-8, 30);
    AggregationResult one = new DawidSkene(o.withThreads(1)).fit(d, Aggregator.noGold(d));
    AggregationResult two = new DawidSkene(o.withThreads(2)).fit(d, Aggregator.noGold(d));
    AggregationResult again = new DawidSkene(o.withThreads(2)).fit(d, Aggregator.noGold(d));
    assertArrayEquals(one.posterior(), two.posterior(), 0.0);
    assertArrayEquals(two.posterior(), again.posterior(), 0.0);
    assertArrayEquals(one.logLikelihood(), two.logLikelihood(), 0.0);
    SyntheticCrowd.Crowd c2 = SyntheticCrowd.generate(11, 400_000, 5, 2000, 2, 0.15, 1);
    assertArrayEquals(c.truth(), c2.truth(), "generator is seeded and thread-independent");
  }

  /** The tiled layout (large worker tables) gives bit for bit the item-major results, for every K and model. */
  @Test
  void tiledLayoutMatchesItemMajorExactly() {
    try {
      for (int k : new int[] {2, 3, 4, 5, 6}) {
        // more items than one block holds, so that blocks and runs are exercised
        SyntheticCrowd.Crowd c = SyntheticCrowd.generate(21 + k, 400_000, 4, 3000, k, 0.2, 1);
        AnswerSet d = c.answers();
        int[] gold = Aggregator.noGold(d);
        for (int i = 0; i < gold.length; i += 7) {
          gold[i] = c.truth()[i];
        }
        for (ConfusionModel m : ConfusionModel.values()) {
          EmOptions o = EmOptions.defaults(m).withIterations(0, 6);
          EmEngine.forceTiles = false;
          AggregationResult plain = new DawidSkene(o).fit(d, gold);
          EmEngine.forceTiles = true;
          AggregationResult tiled = new DawidSkene(o).fit(d, gold);
          String what = "K=" + k + " " + m;
          assertArrayEquals(plain.posterior(), tiled.posterior(), 0.0, what);
          assertArrayEquals(plain.logLikelihood(), tiled.logLikelihood(), 0.0, what);
          assertArrayEquals(plain.confusion(), tiled.confusion(), 0.0, what);
        }
      }
    } finally {
      EmEngine.forceTiles = null;
    }
  }

  @Test
  void tiledLayoutOnDegenerateInputs() {
    try {
      EmEngine.forceTiles = true;
      degenerateInputsGiveNoNaN();
      goldIsClampedEveryIteration();
      toyCaseWithAKnownAnswer();
    } finally {
      EmEngine.forceTiles = null;
    }
  }

  @Test
  void degenerateInputsGiveNoNaN() {
    List<AnswerSet> cases = List.of(
        AnswerSet.of(List.of(), Fixtures.AB),
        Fixtures.set(Fixtures.AB, "x w1 a", "y w1 b", "z w1 a"),
        Fixtures.set(List.of("only"), "x w1 only", "y w2 only", "y w1 only"),
        Fixtures.set(Fixtures.AB, "x w1 a", "x w2 a", "y w1 a", "y w2 a"),
        Fixtures.set(Fixtures.AB, "x w1 a"),
        Fixtures.set(List.of("a", "b", "c", "d", "e"), "x w1 a", "x w2 a"));
    for (AnswerSet d : cases) {
      for (Aggregator agg : Fixtures.all()) {
        for (int[] gold : List.of(Aggregator.noGold(d), allGold(d))) {
          AggregationResult r = agg.fit(d, gold);
          for (double p : r.posterior()) {
            assertFalse(Double.isNaN(p) || p < 0 || p > 1, agg.name() + " posterior " + p);
          }
          for (double p : r.confusion()) {
            assertFalse(Double.isNaN(p), agg.name() + " confusion");
          }
          for (double v : r.logLikelihood()) {
            assertFalse(Double.isNaN(v), agg.name() + " log-likelihood");
          }
          assertEquals(d.items(), r.labels().length);
        }
      }
    }
  }

  private static int[] allGold(AnswerSet d) {
    int[] g = new int[d.items()];
    return g; // every item gold class 0
  }

  @Test
  void logLikelihoodNeverDecreases() {
    SyntheticCrowd.Crowd c = SyntheticCrowd.generate(5, 20_000, 4, 300, 4, 0.2, 1);
    int[] gold = Aggregator.noGold(c.answers());
    for (int i = 0; i < gold.length; i += 10) {
      gold[i] = c.truth()[i];
    }
    for (ConfusionModel m : ConfusionModel.values()) {
      for (double[] p : new double[][] {{0.01, 0, 0}, {0.5, 2, 0}, {0.1, 1, 10}}) {
        EmOptions o = EmOptions.defaults(m).withPrior(p[0], p[1]).withPooled(p[2]).withIterations(0, 60);
        for (int[] g : List.of(Aggregator.noGold(c.answers()), gold)) {
          double[] ll = new DawidSkene(o).fit(c.answers(), g).logLikelihood();
          assertTrue(ll.length >= 10, "ran " + ll.length);
          for (int t = 1; t < ll.length; t++) {
            assertTrue(ll[t] >= ll[t - 1] - 1e-9 * Math.abs(ll[t - 1]), o.describe() + " at " + t);
          }
        }
      }
    }
  }

  /**
   * The traced objective is the data log-likelihood of the parameters the fit returns, computed here the long way:
   * per item, log of the sum over classes of prior times the answers' confusion cells (a gold item: its own class
   * only). Plain maximum likelihood, so no prior density is added; both layouts, gold on every 7th item, and K = 2
   * (which sums per answer row and per item log-odds) beside K = 3.
   */
  @Test
  void tracedLogLikelihoodIsThatOfTheReturnedParameters() {
    try {
      for (int k : new int[] {2, 3}) {
        SyntheticCrowd.Crowd c = SyntheticCrowd.generate(31 + k, 300_000, 4, 2000, k, 0.2, 1);
        AnswerSet d = c.answers();
        int[] gold = Aggregator.noGold(d);
        for (int i = 0; i < gold.length; i += 7) {
          gold[i] = c.truth()[i];
        }
        EmOptions o = new EmOptions(ConfusionModel.FULL, 0, 0, 0, true, null, 0, 0, 5, 0);
        for (boolean tiles : new boolean[] {false, true}) {
          EmEngine.forceTiles = tiles;
          AggregationResult r = new DawidSkene(o).fit(d, gold);
          double[] conf = r.confusion();
          double[] pri = r.classPriors();
          double expected = 0;
          for (int i = 0; i < d.items(); i++) {
            int[] ws = d.workersOn(i);
            int[] ls = d.labelsOn(i);
            double[] s = new double[k];
            for (int t = 0; t < k; t++) {
              s[t] = Math.log(pri[t]);
              for (int j = 0; j < ws.length; j++) {
                s[t] += Math.log(conf[(ws[j] * k + t) * k + ls[j]]);
              }
            }
            if (gold[i] >= 0) {
              expected += s[gold[i]];
            } else {
              double max = Arrays.stream(s).max().orElseThrow();
              expected += max + Math.log(Arrays.stream(s).map(v -> Math.exp(v - max)).sum());
            }
          }
          double[] ll = r.logLikelihood();
          assertEquals(5, ll.length);
          assertEquals(expected, ll[ll.length - 1], 1e-9 * Math.abs(expected), "K=" + k + " tiles=" + tiles);
        }
      }
    } finally {
      EmEngine.forceTiles = null;
    }
  }

  @Test
  void goldIsClampedEveryIteration() {
    // everyone says a on x, but the gold says b
    AnswerSet d = Fixtures.set(Fixtures.AB, "x w1 a", "x w2 a", "x w3 a", "y w1 b", "y w2 b", "y w3 a");
    int[] gold = Aggregator.noGold(d);
    gold[d.itemIndex("x")] = 1;
    for (Aggregator agg : Fixtures.all()) {
      AggregationResult r = agg.fit(d, gold);
      assertEquals(1, r.labels()[d.itemIndex("x")], agg.name());
      assertEquals(1.0, r.posterior(d.itemIndex("x"), 1), 0.0, agg.name());
    }
  }

  @Test
  void goldHelpsOnASyntheticCrowd() {
    SyntheticCrowd.Crowd c = SyntheticCrowd.generate(9, 30_000, 3, 400, 2, 0.3, 1);
    int[] gold = Aggregator.noGold(c.answers());
    for (int i = 0; i < gold.length; i += 5) {
      gold[i] = c.truth()[i];
    }
    double mv = accuracy(new MajorityVote().fit(c.answers(), gold), c.truth(), gold);
    double ds = accuracy(new DawidSkene().fit(c.answers(), gold), c.truth(), gold);
    double auto = accuracy(new AutoAggregator().fit(c.answers(), gold), c.truth(), gold);
    assertTrue(ds > mv + 0.02, "ds " + ds + " vs mv " + mv);
    assertTrue(auto >= mv - 0.005, "auto " + auto + " vs mv " + mv);
  }

  @Test
  void onlinePosteriorMatchesTheFit() {
    SyntheticCrowd.Crowd c = SyntheticCrowd.generate(13, 5_000, 5, 60, 3, 0.2, 1);
    AnswerSet d = c.answers();
    EmOptions o = EmOptions.defaults(ConfusionModel.FULL);
    AggregationResult r = new DawidSkene(o).fit(d, Aggregator.noGold(d));
    FittedModel model = FittedModel.of(r, o);
    for (int i = 0; i < d.items(); i += 97) {
      List<String> ws = new ArrayList<>();
      List<String> ls = new ArrayList<>();
      int[] w = d.workersOn(i);
      int[] l = d.labelsOn(i);
      for (int a = 0; a < w.length; a++) {
        ws.add(d.workerName(w[a]));
        ls.add(d.labels().get(l[a]));
      }
      double[] p = model.posterior(ws, ls);
      for (int k = 0; k < d.classes(); k++) {
        assertEquals(r.posterior(i, k), p[k], 1e-9);
      }
    }
    double[] unseen = model.posterior(List.of("new-worker"), List.of(d.labels().get(0)));
    assertEquals(1.0, unseen[0] + unseen[1] + unseen[2], 1e-12);
  }

  @Test
  void warmStartConvergesFastToTheSameLabels() {
    SyntheticCrowd.Crowd c = SyntheticCrowd.generate(17, 40_000, 5, 400, 2, 0.15, 1);
    AnswerSet d = c.answers();
    EmOptions o = EmOptions.defaults(ConfusionModel.FULL);
    DawidSkene ds = new DawidSkene(o);
    AggregationResult cold = ds.fit(d, Aggregator.noGold(d));
    AggregationResult warm = ds.fit(d, Aggregator.noGold(d), FittedModel.of(cold, o));
    assertTrue(warm.iterations() <= 3, "warm start took " + warm.iterations());
    assertArrayEquals(cold.labels(), warm.labels());
  }

  @Test
  void agreementStatistics() {
    AnswerSet d = Fixtures.set(Fixtures.AB, "x w1 a", "x w2 a", "y w1 b", "y w2 b", "z w1 a", "z w2 b", "s w1 a");
    Agreement.Stats s = Agreement.of(d);
    assertEquals(1 - 5.0 * 2 / 18, s.krippendorffAlpha(), 1e-12);
    assertEquals(1.0 / 3, s.fleissKappa(), 1e-12);
    assertEquals(3, s.itemsUsed());
    AnswerSet unanimous = Fixtures.set(Fixtures.AB, "x w1 a", "x w2 a");
    assertTrue(Double.isNaN(Agreement.of(unanimous).krippendorffAlpha()));
    assertTrue(Double.isNaN(Agreement.of(unanimous).fleissKappa()));
  }

  static double accuracy(AggregationResult r, int[] truth, int[] gold) {
    int n = 0;
    int ok = 0;
    for (int i = 0; i < truth.length; i++) {
      if (gold[i] < 0) {
        n++;
        ok += r.labels()[i] == truth[i] ? 1 : 0;
      }
    }
    return (double) ok / n;
  }

  static List<LabelAggregation.Answer> toAnswers(AnswerSet d) {
    List<LabelAggregation.Answer> out = new ArrayList<>();
    for (int i = 0; i < d.items(); i++) {
      int[] w = d.workersOn(i);
      int[] l = d.labelsOn(i);
      for (int a = 0; a < w.length; a++) {
        out.add(new LabelAggregation.Answer(d.itemName(i), d.workerName(w[a]), d.labels().get(l[a]), out.size()));
      }
    }
    return out;
  }
}
