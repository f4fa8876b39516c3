package io.goldfinch.aggregation.bench.jmh;

import io.goldfinch.aggregation.AggregationResult;
import io.goldfinch.aggregation.Aggregator;
import io.goldfinch.aggregation.ConfusionModel;
import io.goldfinch.aggregation.DawidSkene;
import io.goldfinch.aggregation.EmOptions;
import io.goldfinch.aggregation.SyntheticCrowd;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of Dawid-Skene EM on a seeded synthetic crowd (1M answers, 5 per item, 5,000 workers, 15% spammers), on one
 * thread ({@code threads=1}) or all cores ({@code threads=0}).
 *
 * <p>{@code fixed} runs 1 E-step (start + one pass + final posteriors); {@code iterations21} runs 21 with the
 * tolerance at 0. ns per answer x iteration = (iterations21 - fixed) / 20 / answers; the JMH report
 * is that difference; {@code JmhReport} prints it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class EmBenchmark {
  @Param({"2", "5"})
  public int classes;

  @Param({"1"})
  public int threads;

  @Param({"1000000"})
  public int answers;

  private SyntheticCrowd.Crowd crowd;
  private int[] noGold;

  @Setup(Level.Trial)
  public void setUp() {
    crowd = SyntheticCrowd.generate(42, answers, 5, Math.max(50, answers / 200), classes, 0.15, 0);
    noGold = Aggregator.noGold(crowd.answers());
  }

  private AggregationResult fit(int iterations) {
    EmOptions o = EmOptions.defaults(ConfusionModel.FULL).withThreads(threads).withIterations(0, iterations);
    return new DawidSkene(o).fit(crowd.answers(), noGold);
  }

  @Benchmark
  public AggregationResult fixed() {
    return fit(1);
  }

  @Benchmark
  public AggregationResult iterations21() {
    return fit(21);
  }

  /** Answers in the generated crowd (for the arithmetic above). */
  public int generatedAnswers() {
    return crowd.answers().answers();
  }
}
