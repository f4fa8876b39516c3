package io.goldfinch.results;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.json.JsonMapper;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Downloads streamed a page of rows at a time: the body is a head, each page rendered as it is read, then a tail. A
 * page is read only when the client has taken the one before (one page per demand), on a thread that may block, never
 * on the event loop; so a download of millions of rows holds one page in memory, and a client that goes away stops it
 * (its page source is closed then as at the end).
 */
final class Exports {

    private Exports() {
    }

    /** Where rows come from, a page at a time; an empty page is the end. */
    interface Pages<T> extends AutoCloseable {
        List<T> next();

        @Override
        default void close() {
        }
    }

    /** Renders one page of rows; {@code first}: no row was rendered before this page. */
    @FunctionalInterface
    interface PageWriter<T> {
        String render(List<T> rows, boolean first);
    }

    /** The pages of rows held in memory already. */
    static <T> Pages<T> ofList(List<T> rows, int pageSize) {
        return new Pages<>() {
            private int from;

            @Override
            public List<T> next() {
                List<T> page = rows.subList(from, Math.min(rows.size(), from + pageSize));
                from += page.size();
                return page;
            }
        };
    }

    private static final class State {
        boolean first = true;
        boolean done;
    }

    /** The body: {@code head}, every page of the source opened by {@code open} (when the body is first asked for), {@code tail}. */
    static <T> Publisher<byte[]> stream(Callable<? extends Pages<T>> open, String head, String tail, PageWriter<T> writer) {
        return Flux.using(open, pages -> Flux.<byte[], State>generate(State::new, (state, sink) -> {
            if (state.done) {
                sink.complete();
                return state;
            }
            List<T> rows = pages.next();
            StringBuilder chunk = new StringBuilder();
            if (state.first) {
                chunk.append(head);
            }
            if (rows.isEmpty()) {
                state.done = true;
                chunk.append(tail);
            } else {
                chunk.append(writer.render(rows, state.first));
                state.first = false;
            }
            sink.next(chunk.toString().getBytes(StandardCharsets.UTF_8));
            return state;
        }), Pages::close).subscribeOn(Schedulers.boundedElastic());
    }

    /** Elements of a JSON array (head "[", tail "]"): a comma before every element but the first of the download. */
    static <T> PageWriter<T> jsonArray(JsonMapper json, Function<T, Object> element) {
        return (rows, first) -> {
            StringBuilder out = new StringBuilder();
            for (int n = 0; n < rows.size(); n++) {
                if (!first || n > 0) {
                    out.append(',');
                }
                out.append(write(json, element.apply(rows.get(n))));
            }
            return out.toString();
        };
    }

    /** One JSON document per line. */
    static <T> PageWriter<T> jsonLines(JsonMapper json, Function<T, Object> element) {
        return (rows, first) -> {
            StringBuilder out = new StringBuilder();
            for (T row : rows) {
                out.append(write(json, element.apply(row))).append('\n');
            }
            return out.toString();
        };
    }

    /** CSV records (RFC 4180) of the given cells; the header line is the download's head ({@link #csvHeader}). */
    static <T> PageWriter<T> csv(Function<T, List<Object>> cells) {
        return (rows, first) -> {
            StringBuilder out = new StringBuilder();
            try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180)) {
                for (T row : rows) {
                    printer.printRecord(cells.apply(row));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toString();
        };
    }

    /** The CSV header line of these columns. */
    static String csvHeader(List<String> columns) {
        StringBuilder out = new StringBuilder();
        try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180)) {
            printer.printRecord(columns);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A 200 with a streamed body; {@code file} non-null: downloaded as an attachment of that name. */
    static HttpResponse<Publisher<byte[]>> response(Publisher<byte[]> body, String contentType, @Nullable String file) {
        MutableHttpResponse<Publisher<byte[]>> response = HttpResponse.ok(body).contentType(contentType);
        return file == null ? response : response.header("Content-Disposition", "attachment; filename=\"" + file + "\"");
    }

    static String write(JsonMapper json, Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
