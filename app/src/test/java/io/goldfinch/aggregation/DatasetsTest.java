package io.goldfinch.aggregation;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.goldfinch.aggregation.cli.AnswerFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Small real sets from ../shared/datasets (skipped if absent): Dawid-Skene reaches the published accuracy. */
class DatasetsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "bluebirds, 0.898, 0.7593",
    "snow_rte, 0.9275, 0.875",
    "zheng_dog, 0.8426, 0.8116",
    "zheng_sentiment, 0.960, 0.935",
  })
  void dawidSkeneReachesThePublishedAccuracy(String name, double ds, double mv) throws Exception {
    Path root = Fixtures.datasets();
    assumeTrue(root != null && Files.isDirectory(root.resolve(name)), "shared/datasets not found");
    Map<String, String> truth = AnswerFiles.gold(root.resolve(name).resolve("truth.csv"));
    AnswerSet data = AnswerFiles.answers(root.resolve(name).resolve("labels.csv"), truth, null);
    int[] t = data.goldClasses(truth);
    int[] none = Aggregator.noGold(data);
    double accDs = EngineTest.accuracy(new DawidSkene().fit(data, none), t, none);
    double accMv = EngineTest.accuracy(new MajorityVote().fit(data, none), t, none);
    assertTrue(accDs >= ds - 1e-9, name + " ds " + accDs);
    assertTrue(Math.abs(accMv - mv) < 1e-3, name + " mv " + accMv);
    // with 10% gold, auto does not lose to majority vote
    int[] gold = none.clone();
    for (int i = 0; i < gold.length; i += 10) {
      gold[i] = t[i];
    }
    double auto = EngineTest.accuracy(new AutoAggregator().fit(data, gold), t, gold);
    double mvGold = EngineTest.accuracy(new MajorityVote().fit(data, gold), t, gold);
    assertTrue(auto >= mvGold - 0.005, name + " auto " + auto + " mv " + mvGold);
  }
}
