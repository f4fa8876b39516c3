package io.goldfinch.aggregation.cli;

import io.goldfinch.aggregation.AggregationResult;
import io.goldfinch.aggregation.Aggregator;
import io.goldfinch.aggregation.Agreement;
import io.goldfinch.aggregation.AnswerSet;
import io.goldfinch.aggregation.Methods;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * {@code aggregate --answers FILE --out FILE [--gold FILE] [--method auto|mv|one-coin|cc-one-coin|ds]
 * [--labels L1,L2,...]}
 *
 * <p>Reads answers ({@code item,worker,label}) and optional gold ({@code item,label}), aggregates, and writes
 * {@code item,label,confidence} (header row, items in lexicographic order, confidence = posterior of the chosen
 * label). A summary (method chosen, counts, iterations, agreement) goes to {@code out}; errors go to {@code err}.
 *
 * <p>Exit codes: 0 done; 1 invalid input file or unwritable output; 2 usage error.
 */
public final class AggregateCommand {
  public static final int OK = 0;
  public static final int INPUT_ERROR = 1;
  public static final int USAGE_ERROR = 2;

  static final String USAGE = "usage: aggregate --answers FILE --out FILE [--gold FILE]"
      + " [--method auto|mv|one-coin|cc-one-coin|ds] [--labels L1,L2,...]\n"
      + "  answers: CSV with header item,worker,label (a later row for the same item and worker wins)\n"
      + "  gold:    CSV with header item,label\n"
      + "  out:     CSV item,label,confidence\n"
      + "  labels:  the label set in class order (default: all labels seen, numeric order if all are integers)\n"
      + "  method:  default auto (cross-validated choice on gold; majority vote without gold)";

  private AggregateCommand() {}

  /** Runs the command; {@code args} may start with "aggregate". Never calls System.exit. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    String answers = null;
    String outFile = null;
    String gold = null;
    String method = "auto";
    String labels = null;
    int i = args.length > 0 && "aggregate".equals(args[0]) ? 1 : 0;
    for (; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        out.println(USAGE);
        return OK;
      }
      if (!a.startsWith("--")) {
        return usage(err, "unexpected argument '" + a + "'");
      }
      if (i + 1 >= args.length) {
        return usage(err, "missing value after " + a);
      }
      String v = args[++i];
      switch (a) {
        case "--answers" -> answers = v;
        case "--out" -> outFile = v;
        case "--gold" -> gold = v;
        case "--method" -> method = v;
        case "--labels" -> labels = v;
        default -> {
          return usage(err, "unknown option " + a);
        }
      }
    }
    if (answers == null || outFile == null) {
      return usage(err, "--answers and --out are required");
    }
    Aggregator aggregator;
    try {
      aggregator = Methods.byName(method);
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    List<String> labelSet = null;
    if (labels != null) {
      labelSet = Arrays.stream(labels.split(",", -1)).map(String::strip).toList();
      if (labelSet.stream().anyMatch(String::isEmpty)) {
        return usage(err, "--labels has an empty label");
      }
    }
    long t0 = System.nanoTime();
    AnswerSet data;
    int[] goldClasses;
    try {
      Map<String, String> goldMap = gold == null ? Map.of() : AnswerFiles.gold(Path.of(gold));
      data = AnswerFiles.answers(Path.of(answers), goldMap, labelSet);
      try {
        goldClasses = data.goldClasses(goldMap);
      } catch (IllegalArgumentException e) {
        throw new AnswerFiles.InvalidInputException(gold + ": " + e.getMessage());
      }
    } catch (AnswerFiles.InvalidInputException e) {
      err.println("aggregate: " + e.getMessage());
      return INPUT_ERROR;
    }
    long t1 = System.nanoTime();
    AggregationResult r = aggregator.fit(data, goldClasses);
    long t2 = System.nanoTime();
    try {
      write(Path.of(outFile), r);
    } catch (IOException | RuntimeException e) {
      err.println("aggregate: cannot write " + outFile + ": " + e.getMessage());
      return INPUT_ERROR;
    }
    long t3 = System.nanoTime();
    int goldCount = (int) Arrays.stream(goldClasses).filter(g -> g >= 0).count();
    Agreement.Stats agreement = Agreement.of(data);
    out.printf(Locale.ROOT, "method %s%n", r.method());
    out.printf(Locale.ROOT, "items %d, workers %d, answers %d (after removing duplicates), labels %s, gold items %d%n",
        data.items(), data.workers(), data.answers(), data.labels(), goldCount);
    out.printf(Locale.ROOT, "iterations %d%s%n", r.iterations(), r.converged() ? "" : " (cap reached)");
    out.printf(Locale.ROOT, "agreement: Krippendorff alpha %.4f, Fleiss kappa %.4f (%d items with >= 2 answers)%n",
        agreement.krippendorffAlpha(), agreement.fleissKappa(), agreement.itemsUsed());
    out.printf(Locale.ROOT, "time: read %.2f s, fit %.2f s, write %.2f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9,
        (t3 - t2) / 1e9);
    return OK;
  }

  private static void write(Path file, AggregationResult r) throws IOException {
    AnswerSet data = r.data();
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        CSVPrinter p = new CSVPrinter(w, CSVFormat.RFC4180.builder().setRecordSeparator('\n').get())) {
      p.printRecord("item", "label", "confidence");
      StringBuilder sb = new StringBuilder(32);
      for (int i = 0; i < data.items(); i++) {
        double c = Math.min(1.0, Math.max(0.0, r.confidence(i)));
        sb.setLength(0);
        p.printRecord(data.itemName(i), data.labels().get(r.labels()[i]), formatConfidence(c, sb));
      }
    }
  }

  /** Up to 6 decimals, no exponent, no trailing zeros. */
  static String formatConfidence(double c, StringBuilder sb) {
    long micros = Math.round(c * 1_000_000);
    if (micros >= 1_000_000) {
      return "1";
    }
    sb.append("0.");
    String digits = Long.toString(micros + 1_000_000).substring(1);
    int end = digits.length();
    while (end > 1 && digits.charAt(end - 1) == '0') {
      end--;
    }
    return sb.append(digits, 0, end).toString();
  }

  private static int usage(PrintStream err, String message) {
    err.println("aggregate: " + message);
    err.println(USAGE);
    return USAGE_ERROR;
  }

  /** Entry point for running the command on its own. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }
}
