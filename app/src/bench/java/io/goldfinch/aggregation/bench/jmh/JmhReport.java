package io.goldfinch.aggregation.bench.jmh;

import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link EmBenchmark} and prints ns per answer x iteration = (iterations21 - fixed) / 20 / answers.
 * Args: optional JMH include regex (default EmBenchmark), optional threads list (default 1).
 */
public final class JmhReport {
  public static void main(String[] args) throws Exception {
    String threads = args.length > 1 ? args[1] : "1";
    Options opt = new OptionsBuilder().include(args.length > 0 ? args[0] : EmBenchmark.class.getSimpleName())
        .param("threads", threads.split(",")).build();
    Collection<RunResult> results = new Runner(opt).run();
    Map<String, Double> ms = new HashMap<>();
    for (RunResult r : results) {
      String key = r.getParams().getParam("classes") + "/" + r.getParams().getParam("threads") + "/"
          + r.getParams().getParam("answers");
      ms.put(key + "/" + r.getParams().getBenchmark().replaceAll(".*\\.", ""), r.getPrimaryResult().getScore());
    }
    for (String k : ms.keySet()) {
      if (k.endsWith("/fixed")) {
        String base = k.substring(0, k.length() - "/fixed".length());
        Double it = ms.get(base + "/iterations21");
        if (it != null) {
          String[] p = base.split("/");
          // the generator gives about the requested answers (mean 5 per item: uniform 1..9)
          double answers = Double.parseDouble(p[2]);
          System.out.printf(Locale.ROOT, "K=%s threads=%s answers~%s: fixed %.1f ms, %.2f ns per answer*iteration%n",
              p[0], p[1], p[2], ms.get(k), (it - ms.get(k)) * 1e6 / 20 / answers);
        }
      }
    }
  }
}
