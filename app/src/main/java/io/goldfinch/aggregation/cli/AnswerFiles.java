package io.goldfinch.aggregation.cli;

import io.goldfinch.aggregation.AnswerSet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads the aggregation CSV files (RFC 4180, UTF-8, header row required):
 *
 * <ul>
 *   <li>answers: {@code item,worker,label}, one answer per row; a later row for the same (item, worker) replaces an
 *       earlier one;
 *   <li>gold: {@code item,label}; the same item twice with different labels is an error.
 * </ul>
 *
 * Every malformed input fails with an {@link InvalidInputException} naming the file and line.
 */
public final class AnswerFiles {
  private AnswerFiles() {}

  /** A malformed input file; the message names the file and line. */
  public static final class InvalidInputException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
      super(message);
    }
  }

  private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();

  interface RowSink {
    void accept(String[] row, long line) throws InvalidInputException;
  }

  static void scan(Path file, String[] header, RowSink sink) throws InvalidInputException {
    String name = file.toString();
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try (Reader in = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), decoder), 1 << 16);
        CSVParser parser = CSVParser.builder().setReader(in).setFormat(FORMAT).get()) {
      boolean first = true;
      String[] fields = new String[header.length];
      for (CSVRecord rec : parser) {
        long line = parser.getCurrentLineNumber();
        if (first) {
          first = false;
          checkHeader(name, rec, header);
          continue;
        }
        if (rec.size() != header.length) {
          throw new InvalidInputException(name + ": line " + line + ": expected " + header.length
              + " fields (" + String.join(",", header) + "), found " + rec.size());
        }
        String[] row = new String[header.length];
        for (int f = 0; f < header.length; f++) {
          String v = rec.get(f).strip();
          if (v.isEmpty()) {
            throw new InvalidInputException(name + ": line " + line + ": empty " + header[f]);
          }
          row[f] = v;
        }
        sink.accept(row, line);
      }
      if (first) {
        throw new InvalidInputException(name + ": file is empty (expected header " + String.join(",", header) + ")");
      }
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(name + ": no such file");
    } catch (CharacterCodingException e) {
      throw new InvalidInputException(name + ": not valid UTF-8");
    } catch (UncheckedIOException | IllegalStateException e) {
      // commons-csv reports malformed quoting this way, with the line in the message
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof CharacterCodingException) {
        throw new InvalidInputException(name + ": not valid UTF-8");
      }
      throw new InvalidInputException(name + ": malformed CSV: " + cause.getMessage());
    } catch (IOException e) {
      throw new InvalidInputException(name + ": cannot read: " + e.getMessage());
    }
  }

  private static void checkHeader(String name, CSVRecord rec, String[] header) throws InvalidInputException {
    boolean ok = rec.size() == header.length;
    for (int f = 0; ok && f < header.length; f++) {
      String v = rec.get(f).strip();
      if (f == 0 && v.startsWith("\uFEFF")) {
        v = v.substring(1);
      }
      ok = v.equalsIgnoreCase(header[f]);
    }
    if (!ok) {
      throw new InvalidInputException(name + ": line 1: expected header " + String.join(",", header) + ", found "
          + String.join(",", rec.toList()));
    }
  }

  /** Gold rows to a map item → label; rejects conflicting duplicates. */
  public static Map<String, String> gold(Path file) throws InvalidInputException {
    Map<String, String> gold = new LinkedHashMap<>();
    String name = file.toString();
    scan(file, new String[] {"item", "label"}, (r, line) -> {
      String old = gold.put(r[0], r[1]);
      if (old != null && !old.equals(r[1])) {
        throw new InvalidInputException(name + ": line " + line + ": item '" + r[0] + "' has gold '" + old
            + "' and '" + r[1] + "'");
      }
    });
    return gold;
  }

  /**
   * Label set from the labels seen: numeric order if every label is an integer, otherwise lexicographic.
   */
  public static List<String> labelSet(Iterable<String> seen) {
    TreeSet<String> set = new TreeSet<>();
    seen.forEach(set::add);
    boolean numeric = !set.isEmpty() && set.stream().allMatch(AnswerFiles::isInteger);
    List<String> out = new ArrayList<>(set);
    if (numeric) {
      out.sort(Comparator.comparing(java.math.BigInteger::new));
    }
    return out;
  }

  private static boolean isInteger(String s) {
    return s.matches("-?\\d{1,30}");
  }

  /**
   * Reads an answers file straight into an {@link AnswerSet}, streaming (no copy of the rows is kept). The label
   * set is {@code labels} if given (then any other label is an error naming its line), otherwise every label in the
   * answers and in {@code gold}, ordered by {@link #labelSet}. A later row for the same (item, worker) wins.
   */
  public static AnswerSet answers(Path file, Map<String, String> gold, List<String> labels)
      throws InvalidInputException {
    AnswerSet.Builder b;
    try {
      b = labels == null ? new AnswerSet.Builder() : new AnswerSet.Builder(labels);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("labels: " + e.getMessage());
    }
    String name = file.toString();
    long[] row = {0};
    scan(file, new String[] {"item", "worker", "label"}, (r, line) -> {
      try {
        b.add(r[0], r[1], r[2], row[0]++, name + ": line " + line);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(e.getMessage());
      }
    });
    if (b.size() == 0) {
      throw new InvalidInputException(name + ": no answers (only a header)");
    }
    List<String> labelSet = labels;
    if (labelSet == null) {
      List<String> seen = new ArrayList<>(b.seenLabels());
      if (gold != null) {
        seen.addAll(gold.values());
      }
      labelSet = labelSet(seen);
    }
    try {
      return b.build(labelSet);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(e.getMessage());
    }
  }
}
