package io.goldfinch.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelAggregationTest {

  @Test
  void everyMethodNameWorksCaseInsensitively() {
    var answers = Fixtures.answers("x w1 a", "x w2 a", "y w1 b", "y w2 b", "y w3 a");
    for (String m : List.of("mv", "ONE-COIN", "ds", "Auto", "cc-one-coin")) {
      LabelAggregation.Outcome o = LabelAggregation.aggregate(answers, Map.of(), Fixtures.AB, m);
      assertEquals(2, o.items().size());
      assertEquals("x", o.items().get(0).item());
      assertEquals("a", o.items().get(0).label());
      assertEquals(2, o.items().get(0).answers());
      assertTrue(o.items().get(0).confidence() >= 0.5 && o.items().get(0).confidence() <= 1.0);
    }
  }

  @Test
  void theOutcomeCarriesEachWorkersModelTheIterationsAndTheAgreement() {
    // w3 answers twice on y (the later answer wins), so it counts one answer there.
    var answers = Fixtures.answers("x w1 a", "x w2 a", "x w3 b", "y w1 b", "y w2 b", "y w3 a", "y w3 b", "z w1 a", "z w2 a");
    AnswerSet data = AnswerSet.of(answers, Fixtures.AB);
    for (String m : List.of("mv", "ds")) {
      LabelAggregation.Outcome o = LabelAggregation.aggregate(answers, Map.of(), Fixtures.AB, m);
      assertEquals(List.of("w1", "w2", "w3"), o.workers().stream().map(LabelAggregation.WorkerModel::worker).toList(), m);
      assertEquals(List.of(3, 3, 2), o.workers().stream().map(LabelAggregation.WorkerModel::answers).toList(), m);
      for (LabelAggregation.WorkerModel w : o.workers()) {
        assertEquals(4, w.confusion().length);
        assertEquals(1.0, w.confusion()[0] + w.confusion()[1], 1e-12);
        assertEquals(1.0, w.confusion()[2] + w.confusion()[3], 1e-12);
      }
      assertEquals(Agreement.krippendorffAlpha(data), o.krippendorffAlpha(), 0.0);
      assertEquals(Agreement.fleissKappa(data), o.fleissKappa(), 0.0);
      assertEquals(m.equals("mv") ? 0 : Methods.byName(m).fit(data, Aggregator.noGold(data)).iterations(), o.iterations());
    }
  }

  @Test
  void labelsOutsideTheLabelSetAreRejected() {
    var e = assertThrows(IllegalArgumentException.class, () -> LabelAggregation.aggregate(
        Fixtures.answers("x w1 a", "x w2 c"), Map.of(), Fixtures.AB, "mv"));
    assertTrue(e.getMessage().contains("'c'") && e.getMessage().contains("[a, b]"), e.getMessage());
    var g = assertThrows(IllegalArgumentException.class, () -> LabelAggregation.aggregate(
        Fixtures.answers("x w1 a"), Map.of("x", "zz"), Fixtures.AB, "ds"));
    assertTrue(g.getMessage().contains("gold label 'zz'"), g.getMessage());
  }

  @Test
  void malformedCallsAreRejectedClearly() {
    var one = Fixtures.answers("x w1 a");
    assertThrows(IllegalArgumentException.class, () -> LabelAggregation.aggregate(one, Map.of(), Fixtures.AB, "em"));
    assertThrows(IllegalArgumentException.class, () -> LabelAggregation.aggregate(one, Map.of(), Fixtures.AB, null));
    assertThrows(IllegalArgumentException.class, () -> LabelAggregation.aggregate(one, Map.of(), List.of(), "mv"));
    assertThrows(IllegalArgumentException.class,
        () -> LabelAggregation.aggregate(one, Map.of(), List.of("a", "a"), "mv"));
    assertThrows(IllegalArgumentException.class, () -> LabelAggregation.aggregate(
        List.of(new LabelAggregation.Answer("", "w", "a", 0)), Map.of(), Fixtures.AB, "mv"));
    assertThrows(IllegalArgumentException.class, () -> LabelAggregation.aggregate(
        List.of(new LabelAggregation.Answer("x", null, "a", 0)), Map.of(), Fixtures.AB, "mv"));
    assertThrows(NullPointerException.class, () -> LabelAggregation.aggregate(null, Map.of(), Fixtures.AB, "mv"));
  }

  @Test
  void theLatestAnswerOfAWorkerOnAnItemWins() {
    var answers = List.of(
        new LabelAggregation.Answer("x", "w1", "b", 9),
        new LabelAggregation.Answer("x", "w1", "a", 3),
        new LabelAggregation.Answer("x", "w2", "b", 1));
    LabelAggregation.ItemLabel x = LabelAggregation.aggregate(answers, null, Fixtures.AB, "mv").items().get(0);
    assertEquals("b", x.label());
    assertEquals(1.0, x.confidence());
    assertEquals(2, x.answers());
  }

  @Test
  void itemsWithoutAnswersAreAbsentAndGoldComesBackAsGiven() {
    var o = LabelAggregation.aggregate(Fixtures.answers("x w1 a", "y w1 a"), Map.of("y", "b", "nobody", "a"),
        Fixtures.AB, "ds");
    assertEquals(List.of("x", "y"), o.items().stream().map(LabelAggregation.ItemLabel::item).toList());
    assertEquals("b", o.items().get(1).label());
    assertEquals(1.0, o.items().get(1).confidence());
    assertTrue(LabelAggregation.aggregate(List.of(), Map.of(), Fixtures.AB, "auto").items().isEmpty());
  }
}
