package io.goldfinch.aggregation.bench;

import io.goldfinch.aggregation.AnswerSet;
import io.goldfinch.aggregation.SyntheticCrowd;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a seeded synthetic crowd as CSV for the end-to-end CLI run: {@code answers.csv} (item,worker,label),
 * {@code truth.csv} (item,label) and {@code gold.csv} (every 10th item's truth).
 * Args: DIR ANSWERS [K=2].
 */
public final class SyntheticCsv {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long n = SpeedReport.parse(args[1]);
    int k = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    Files.createDirectories(dir);
    SyntheticCrowd.Crowd c = SyntheticCrowd.generate(42, n, 5, (int) Math.max(50, Math.min(200_000, n / 200)), k,
        0.15, 0);
    AnswerSet d = c.answers();
    try (BufferedWriter a = Files.newBufferedWriter(dir.resolve("answers.csv"), StandardCharsets.UTF_8);
        BufferedWriter t = Files.newBufferedWriter(dir.resolve("truth.csv"), StandardCharsets.UTF_8);
        BufferedWriter g = Files.newBufferedWriter(dir.resolve("gold.csv"), StandardCharsets.UTF_8)) {
      a.write("item,worker,label\n");
      t.write("item,label\n");
      g.write("item,label\n");
      for (int i = 0; i < d.items(); i++) {
        int[] w = d.workersOn(i);
        int[] l = d.labelsOn(i);
        for (int j = 0; j < w.length; j++) {
          a.write(d.itemName(i));
          a.write(',');
          a.write(d.workerName(w[j]));
          a.write(',');
          a.write(d.labels().get(l[j]));
          a.write('\n');
        }
        String row = d.itemName(i) + "," + d.labels().get(c.truth()[i]) + "\n";
        t.write(row);
        if (i % 10 == 0) {
          g.write(row);
        }
      }
    }
    System.out.printf("wrote %,d answers on %,d items to %s%n", d.answers(), d.items(), dir);
  }
}
