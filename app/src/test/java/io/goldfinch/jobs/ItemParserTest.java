package io.goldfinch.jobs;

import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ItemParserTest {

    private final JsonMapper json = JsonMapper.createDefault();

    private record Parsed(List<ItemParser.Row> rows, List<String> errors) {
    }

    private Parsed parse(String input, ItemParser.Format format, boolean gold) throws Exception {
        List<ItemParser.Row> rows = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        new ItemParser(json, gold, Set.of("yes", "no")).parse(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), format,
                new ItemParser.Sink() {
                    @Override
                    public void row(ItemParser.Row row) {
                        rows.add(row);
                    }

                    @Override
                    public void error(long line, String message) {
                        errors.add(line + ": " + message);
                    }
                });
        return new Parsed(rows, errors);
    }

    @Test
    void csvColumnsBecomeDataAndQuotedFieldsKeepCommasAndNewlines() throws Exception {
        Parsed p = parse("id,text,url\n1,\"a, b\",http://x\n2,\"two\nlines\",\n", ItemParser.Format.CSV, false);
        assertThat(p.errors()).isEmpty();
        assertThat(p.rows()).extracting(ItemParser.Row::externalId).containsExactly("1", "2");
        assertThat(p.rows().get(0).dataJson()).isEqualTo("{\"text\":\"a, b\",\"url\":\"http://x\"}");
        assertThat(p.rows().get(1).dataJson()).contains("two\\nlines");
    }

    @Test
    void rowsWithoutAnIdAreNamedByLine() throws Exception {
        Parsed p = parse("text\nhello\nworld\n", ItemParser.Format.CSV, false);
        assertThat(p.rows()).extracting(ItemParser.Row::externalId).containsExactly("row-2", "row-3");
    }

    @Test
    void goldUploadsNeedAKnownLabel() throws Exception {
        Parsed p = parse("id,text,label\na,x,yes\nb,y,maybe\nc,z,\n", ItemParser.Format.CSV, true);
        assertThat(p.rows()).extracting(ItemParser.Row::label).containsExactly("yes");
        assertThat(p.errors()).hasSize(2).allMatch(e -> e.startsWith("3: ") || e.startsWith("4: "));
        Parsed noColumn = parse("id,text\na,x\n", ItemParser.Format.CSV, true);
        assertThat(noColumn.rows()).isEmpty();
        assertThat(noColumn.errors()).containsExactly("1: a gold upload needs a 'label' column");
    }

    @Test
    void jsonlAcceptsDataObjectsOrFlatFieldsAndReportsBrokenLines() throws Exception {
        Parsed p = parse("{\"id\":7,\"data\":{\"text\":\"t\"}}\n[1,2]\n{\"id\":{\"x\":1},\"text\":\"t\"}\n{\"text\":\"flat\",\"n\":3}\n{}\n",
                ItemParser.Format.JSONL, false);
        assertThat(p.rows()).extracting(ItemParser.Row::externalId).containsExactly("7", "row-4");
        assertThat(p.rows().get(1).dataJson()).isEqualTo("{\"text\":\"flat\",\"n\":3}");
        assertThat(p.errors()).hasSize(3).anyMatch(e -> e.startsWith("2: ")).anyMatch(e -> e.startsWith("3: ")).anyMatch(e -> e.startsWith("5: "));
    }

    @Test
    void invalidUtf8StopsWithAnError() throws Exception {
        byte[] bad = {'{', '"', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'};
        List<String> errors = new ArrayList<>();
        new ItemParser(json, false, Set.of()).parse(new ByteArrayInputStream(bad), ItemParser.Format.JSONL, new ItemParser.Sink() {
            @Override
            public void row(ItemParser.Row row) {
                throw new AssertionError("no row expected");
            }

            @Override
            public void error(long line, String message) {
                errors.add(message);
            }
        });
        assertThat(errors).singleElement().asString().contains("UTF-8");
    }
}
