package io.goldfinch.aggregation;

import java.util.List;

/** Method names to aggregators. */
public final class Methods {
  private Methods() {}

  /** The names accepted by {@link #byName}. */
  public static final List<String> NAMES = List.of("mv", "one-coin", "cc-one-coin", "ds", "auto");

  /**
   * The models' confidences are calibrated on gold where there are enough golds ({@link CalibratedAggregator}, as
   * {@code auto} does); majority vote's are its vote shares.
   *
   * @param method one of {@link #NAMES}, case-insensitive
   * @throws IllegalArgumentException on an unknown name
   */
  public static Aggregator byName(String method) {
    String m = LabelAggregation.normalise(method);
    return switch (m) {
      case "mv" -> new MajorityVote();
      case "one-coin" -> new CalibratedAggregator(new OneCoin());
      case "cc-one-coin" -> new CalibratedAggregator(new ClassConditionalOneCoin());
      case "ds" -> new CalibratedAggregator(new DawidSkene());
      case "auto" -> new AutoAggregator();
      default -> throw new IllegalArgumentException(
          "unknown method '" + method + "'; use one of " + String.join(", ", NAMES));
    };
  }
}
