package io.goldfinch.jobs;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Streams item rows out of CSV (header row; an {@code id} column, a {@code label} column for golds, every other column
 * goes into the item's data) or JSONL (one object per line: {@code id}, {@code label} for golds, and either a
 * {@code data} object or the remaining fields as data). Each row is either accepted or reported with its line number;
 * one bad row never stops the others.
 */
public final class ItemParser {

    /**
     * One parsed row. {@code label} is null for non-gold uploads; {@code modelLabel} and {@code modelUncertainty} are the
     * requester's optional model prediction (reserved fields {@code model_label}, {@code model_uncertainty}).
     */
    public record Row(long line, String externalId, String dataJson, String label, String modelLabel, Double modelUncertainty,
                      String hint) {
    }

    public static final String MODEL_LABEL = "model_label";
    public static final String MODEL_UNCERTAINTY = "model_uncertainty";
    /** In gold uploads: a hint shown to a worker after an exam answer (never part of the item's data). */
    public static final String HINT = "hint";

    /** Receives rows and row errors in input order. */
    public interface Sink {
        void row(Row row);

        void error(long line, String message);
    }

    public enum Format {
        CSV, JSONL;

        public static Format fromContentType(String contentType) {
            String ct = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT);
            if (ct.startsWith("text/csv")) {
                return CSV;
            }
            if (ct.startsWith("application/x-ndjson") || ct.startsWith("application/jsonl") || ct.startsWith("application/x-jsonlines")) {
                return JSONL;
            }
            return null;
        }
    }

    public static final int MAX_ID_LENGTH = 200;
    public static final int MAX_DATA_CHARS = 64 * 1024;

    private final JsonMapper json;
    private final boolean gold;
    private final Set<String> labels;

    public ItemParser(JsonMapper json, boolean gold, Set<String> labels) {
        this.json = json;
        this.gold = gold;
        this.labels = labels;
    }

    public void parse(InputStream in, Format format, Sink sink) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, decoder), 64 * 1024)) {
            if (format == Format.CSV) {
                parseCsv(reader, sink);
            } else {
                parseJsonl(reader, sink);
            }
        }
    }

    private void parseCsv(BufferedReader reader, Sink sink) throws IOException {
        CSVFormat csv = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
                .setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(true).get();
        CSVParser parser;
        try {
            parser = CSVParser.parse(reader, csv);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            sink.error(1, "header row is not valid CSV: " + e.getMessage());
            return;
        }
        Map<String, Integer> header = parser.getHeaderMap();
        if (header == null || header.isEmpty()) {
            sink.error(1, "the CSV needs a header row");
            return;
        }
        if (gold && !header.containsKey("label")) {
            sink.error(1, "a gold upload needs a 'label' column");
            return;
        }
        var iterator = parser.iterator();
        while (true) {
            CSVRecord record;
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                record = iterator.next();
            } catch (UncheckedIOException | IllegalStateException e) {
                // Broken quoting: the rest of the file cannot be re-synchronised reliably.
                sink.error(parser.getCurrentLineNumber(), "malformed CSV, parsing stopped here: " + rootMessage(e));
                return;
            }
            long line = record.getRecordNumber() + 1; // +1 for the header row
            if (!record.isConsistent()) {
                sink.error(line, "expected " + header.size() + " fields, found " + record.size());
                continue;
            }
            Map<String, Object> data = new LinkedHashMap<>();
            String id = null;
            String label = null;
            String modelLabel = null;
            String uncertainty = null;
            String hint = null;
            for (var entry : header.entrySet()) {
                String value = record.get(entry.getValue());
                if (gold && HINT.equals(entry.getKey())) {
                    hint = value;
                    continue;
                }
                switch (entry.getKey()) {
                    case "id" -> id = value;
                    case "label" -> label = value;
                    case MODEL_LABEL -> modelLabel = value;
                    case MODEL_UNCERTAINTY -> uncertainty = value;
                    default -> data.put(entry.getKey(), value);
                }
            }
            emit(sink, line, id, data, label, modelLabel, uncertainty, hint);
        }
    }

    private void parseJsonl(BufferedReader reader, Sink sink) throws IOException {
        String text;
        long line = 0;
        while ((text = readLine(reader, sink, line + 1)) != null) {
            line++;
            if (text.isBlank()) {
                continue;
            }
            Map<String, Object> object;
            try {
                object = json.readValue(text, Argument.mapOf(String.class, Object.class));
            } catch (IOException | RuntimeException e) {
                sink.error(line, "not a JSON object: " + rootMessage(e));
                continue;
            }
            if (object == null) {
                sink.error(line, "not a JSON object");
                continue;
            }
            Object idValue = object.remove("id");
            Object labelValue = object.remove("label");
            Object modelLabel = object.remove(MODEL_LABEL);
            Object uncertainty = object.remove(MODEL_UNCERTAINTY);
            Object hint = gold ? object.remove(HINT) : null;
            Map<String, Object> data;
            Object nested = object.get("data");
            if (nested instanceof Map<?, ?> map && object.size() == 1) {
                data = new LinkedHashMap<>();
                for (var e : map.entrySet()) {
                    data.put(String.valueOf(e.getKey()), e.getValue());
                }
            } else {
                data = object;
            }
            if (idValue != null && !(idValue instanceof String) && !(idValue instanceof Number)) {
                sink.error(line, "'id' must be a string or a number");
                continue;
            }
            if (labelValue != null && !(labelValue instanceof String)) {
                sink.error(line, "'label' must be a string");
                continue;
            }
            if (modelLabel != null && !(modelLabel instanceof String)) {
                sink.error(line, "'" + MODEL_LABEL + "' must be a string");
                continue;
            }
            emit(sink, line, idValue == null ? null : String.valueOf(idValue), data, (String) labelValue, (String) modelLabel,
                    uncertainty == null ? null : String.valueOf(uncertainty), hint == null ? null : String.valueOf(hint));
        }
    }

    private static String readLine(BufferedReader reader, Sink sink, long line) throws IOException {
        try {
            return reader.readLine();
        } catch (java.nio.charset.CharacterCodingException e) {
            sink.error(line, "input is not valid UTF-8; parsing stopped here");
            return null;
        }
    }

    private void emit(Sink sink, long line, String id, Map<String, Object> data, String label, String modelLabel, String uncertainty,
                      String hint) {
        String externalId = id == null || id.isBlank() ? "row-" + line : id.trim();
        if (externalId.length() > MAX_ID_LENGTH) {
            sink.error(line, "id longer than " + MAX_ID_LENGTH + " characters");
            return;
        }
        if (data.isEmpty()) {
            sink.error(line, "the item has no data fields");
            return;
        }
        if (gold) {
            if (label == null || label.isBlank()) {
                sink.error(line, "a gold item needs a label");
                return;
            }
            if (!labels.contains(label.trim())) {
                sink.error(line, "label '" + label.trim() + "' is not one of the job's labels " + labels);
                return;
            }
            label = label.trim();
        } else if (label != null && !label.isBlank()) {
            sink.error(line, "a 'label' field is only allowed in gold uploads");
            return;
        } else {
            label = null;
        }
        if (modelLabel != null && modelLabel.isBlank()) {
            modelLabel = null;
        }
        if (modelLabel != null && !labels.contains(modelLabel.trim())) {
            sink.error(line, MODEL_LABEL + " '" + modelLabel.trim() + "' is not one of the job's labels " + labels);
            return;
        }
        Double modelUncertainty = null;
        if (uncertainty != null && !uncertainty.isBlank()) {
            try {
                modelUncertainty = Double.parseDouble(uncertainty.trim());
            } catch (NumberFormatException e) {
                modelUncertainty = Double.NaN;
            }
            if (!(modelUncertainty >= 0 && modelUncertainty <= 1)) {
                sink.error(line, MODEL_UNCERTAINTY + " must be a number from 0 to 1");
                return;
            }
        }
        String dataJson;
        try {
            dataJson = json.writeValueAsString(data);
        } catch (IOException e) {
            sink.error(line, "data cannot be stored as JSON: " + rootMessage(e));
            return;
        }
        if (dataJson.length() > MAX_DATA_CHARS) {
            sink.error(line, "item data larger than " + MAX_DATA_CHARS + " characters");
            return;
        }
        if (dataJson.indexOf('\u0000') >= 0) {
            sink.error(line, "item data contains a NUL character");
            return;
        }
        if (hint != null && hint.length() > 2000) {
            sink.error(line, "hint longer than 2000 characters");
            return;
        }
        sink.row(new Row(line, externalId, dataJson, label, modelLabel == null ? null : modelLabel.trim(), modelUncertainty,
                hint == null || hint.isBlank() ? null : hint.trim()));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        if (m == null) {
            return t.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl) : m;
    }
}
