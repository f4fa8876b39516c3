package io.goldfinch.matching.bench;

import io.goldfinch.matching.AnswerValue;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one value-rule decision costs ({@link AnswerValue#choose}), as the answer writer pays it for each answer in a
 * job with a label value: K labels, room for that many more answers, a posterior of one half on the leading label,
 * workers right 80% of the time, a label worth 1,000 answers. Run: {@code ./goldfinch bench value-rule}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AnswerValueBenchmark {
  @Param({"2", "5", "10", "50"})
  public int classes;

  @Param({"3", "10", "100"})
  public int room;

  private double[] posterior;

  @Setup
  public void setUp() {
    posterior = new double[classes];
    Arrays.fill(posterior, 0.5 / (classes - 1));
    posterior[0] = 0.5;
  }

  @Benchmark
  public AnswerValue.Choice choose() {
    return AnswerValue.choose(posterior, 0.8, room, 10_000, 10);
  }
}
