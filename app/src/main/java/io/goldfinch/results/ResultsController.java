package io.goldfinch.results;

import io.goldfinch.accounts.Caller;
import io.goldfinch.accounts.Role;
import io.goldfinch.common.ApiException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.JsonMapper;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Progress, labels and raw answers of a job, as JSON, CSV or JSONL. */
@Controller("/api/jobs/{id}")
@Secured({Role.REQUESTER_NAME, Role.QUALITY_MANAGER_NAME, Role.ADMIN_NAME})
@Tag(name = "results")
public class ResultsController {

    private final ResultsService results;
    private final JsonMapper json;

    public ResultsController(ResultsService results, JsonMapper json) {
        this.results = results;
        this.json = json;
    }

    @Get("/progress")
    public ResultsService.Progress progress(@PathVariable long id, Authentication auth) {
        return results.progress(Caller.of(auth).jobScope(), id);
    }

    @io.swagger.v3.oas.annotations.Operation(summary = "Krippendorff's alpha and Fleiss' kappa over the job's answers so far (reads them all: not for polling)")
    @Get("/agreement")
    public ResultsService.Agreement agreement(@PathVariable long id, Authentication auth) {
        return results.agreement(Caller.of(auth).jobScope(), id);
    }

    @Get(value = "/results", produces = {"application/json", "text/csv", "application/x-ndjson"})
    public HttpResponse<?> results(@PathVariable long id, @Nullable @QueryValue String format, Authentication auth) {
        List<ResultsService.ItemResult> rows = results.results(Caller.of(auth).jobScope(), id);
        return export(rows, format, "job-" + id + "-results", List.of("item", "label", "confidence", "answers", "method"),
                r -> List.of(r.item(), r.label(), r.confidence(), r.answers(), r.method()));
    }

    @Get(value = "/answers", produces = {"application/json", "text/csv", "application/x-ndjson"})
    public HttpResponse<?> answers(@PathVariable long id, @Nullable @QueryValue String format, Authentication auth) {
        List<ResultsService.RawAnswer> rows = results.answers(Caller.of(auth).jobScope(), id);
        return export(rows, format, "job-" + id + "-answers", List.of("item", "worker", "label", "gold", "status", "submitted_at"),
                r -> List.of(r.item(), r.worker(), r.label(), r.gold(), r.status(), r.submittedAt().toString()));
    }

    /**
     * Item ids and labels come from requesters' uploads: a cell starting with = + - @ (or a tab/CR) would run as a
     * formula when the CSV is opened in a spreadsheet, so such text cells get a leading apostrophe.
     */
    static Object spreadsheetSafe(Object value) {
        if (value instanceof String s && !s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
            return "'" + s;
        }
        return value;
    }

    private <T> HttpResponse<?> export(List<T> rows, String format, String name, List<String> header,
                                       java.util.function.Function<T, List<Object>> columns) {
        String f = format == null ? "json" : format;
        try {
            switch (f) {
                case "json":
                    return HttpResponse.ok(rows);
                case "csv": {
                    StringBuilder out = new StringBuilder();
                    try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(header.toArray(new String[0])).get())) {
                        for (T row : rows) {
                            printer.printRecord(columns.apply(row).stream().map(ResultsController::spreadsheetSafe).toList());
                        }
                    }
                    return HttpResponse.ok(out.toString()).contentType("text/csv; charset=utf-8")
                            .header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
                }
                case "jsonl": {
                    StringBuilder out = new StringBuilder();
                    for (T row : rows) {
                        out.append(json.writeValueAsString(row)).append('\n');
                    }
                    return HttpResponse.ok(out.toString()).contentType("application/x-ndjson")
                            .header("Content-Disposition", "attachment; filename=\"" + name + ".jsonl\"");
                }
                default:
                    throw ApiException.invalid("format", "must be json, csv or jsonl");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
