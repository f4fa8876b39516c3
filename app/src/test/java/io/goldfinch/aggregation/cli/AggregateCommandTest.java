package io.goldfinch.aggregation.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AggregateCommandTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code = AggregateCommand.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
        new PrintStream(e, true, StandardCharsets.UTF_8));
    return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }

  private Path file(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void aggregatesAndWritesItemLabelConfidence() throws IOException {
    Path answers = file("a.csv", "item,worker,label\n\"i,1\",w1,yes\n\"i,1\",w2,yes\ni2,w1,no\ni2,w2,no\n"
        + "i2,w3,yes\ni3,w1,no\n");
    Path gold = file("g.csv", "item,label\ni3,yes\n");
    Path out = dir.resolve("out.csv");
    Run r = run("aggregate", "--answers", answers.toString(), "--gold", gold.toString(), "--out", out.toString(),
        "--method", "ds");
    assertEquals(0, r.code(), r.err());
    List<String> lines = Files.readAllLines(out);
    assertEquals("item,label,confidence", lines.get(0));
    assertTrue(lines.get(1).startsWith("\"i,1\",yes,0."), lines.get(1));
    assertEquals("i3,yes,1", lines.get(3));
    assertTrue(r.out().contains("method ds"), r.out());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      empty file                |                                              | file is empty
      wrong header              | item,user,label\\na,b,c\\n                  | expected header item,worker,label
      missing field             | item,worker,label\\na,b\\n                  | line 2: expected 3 fields
      extra field               | item,worker,label\\na,b,c,d\\n              | line 2: expected 3 fields
      empty worker              | item,worker,label\\na, ,c\\n                | line 2: empty worker
      unterminated quote        | item,worker,label\\na,b,c\\n"x,y,z\\n       | malformed CSV
      only a header             | item,worker,label\\n                        | no answers
      """)
  void malformedAnswersAreRejectedWithTheLine(String name, String content, String message) throws IOException {
    Path answers = file("a.csv", content == null ? "" : content.replace("\\n", "\n"));
    Run r = run("--answers", answers.toString(), "--out", dir.resolve("o.csv").toString());
    assertEquals(AggregateCommand.INPUT_ERROR, r.code());
    assertTrue(r.err().contains(message) && r.err().contains("a.csv"), name + ": " + r.err());
    assertTrue(Files.notExists(dir.resolve("o.csv")), "no output on error");
  }

  @Test
  void labelsOutsideTheGivenLabelSetAreRejected() throws IOException {
    Path answers = file("a.csv", "item,worker,label\na,w,x\nb,w,z\n");
    Run r = run("--answers", answers.toString(), "--out", dir.resolve("o.csv").toString(), "--labels", "x,y");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("line 3: label 'z' is not in the label set [x, y]"), r.err());
  }

  @Test
  void badGoldIsRejected() throws IOException {
    Path answers = file("a.csv", "item,worker,label\na,w,x\nb,w,y\n");
    Path conflicting = file("g.csv", "item,label\na,x\na,y\n");
    Run r = run("--answers", answers.toString(), "--gold", conflicting.toString(), "--out", dir.resolve("o").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("line 3: item 'a' has gold 'x' and 'y'"), r.err());
    Path unknown = file("g2.csv", "item,label\na,q\n");
    r = run("--answers", answers.toString(), "--gold", unknown.toString(), "--out", dir.resolve("o").toString(),
        "--labels", "x,y");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("gold label 'q'"), r.err());
    Path header = file("g3.csv", "item,answer\na,x\n");
    r = run("--answers", answers.toString(), "--gold", header.toString(), "--out", dir.resolve("o").toString());
    assertTrue(r.code() == 1 && r.err().contains("expected header item,label"), r.err());
  }

  @Test
  void usageErrors() throws IOException {
    Path answers = file("a.csv", "item,worker,label\na,w,x\n");
    assertEquals(2, run("--answers", answers.toString()).code());
    assertEquals(2, run("--answers", answers.toString(), "--out", "o", "--method", "magic").code());
    assertEquals(2, run("--answers", answers.toString(), "--out", "o", "--bogus", "1").code());
    assertEquals(2, run("--answers").code());
    Run missing = run("--answers", dir.resolve("nope.csv").toString(), "--out", dir.resolve("o").toString());
    assertTrue(missing.code() == 1 && missing.err().contains("no such file"), missing.err());
    Run notUtf8 = run("--answers", Files.write(dir.resolve("b.csv"), new byte[] {'i', 't', 'e', 'm', ',', (byte) 0xff})
        .toString(), "--out", dir.resolve("o").toString());
    assertTrue(notUtf8.code() == 1 && notUtf8.err().contains("UTF-8"), notUtf8.err());
    assertEquals(0, run("--help").code());
  }
}
