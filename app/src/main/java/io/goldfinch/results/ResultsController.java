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
import org.reactivestreams.Publisher;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

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

    /** The job's labels now (fitted over every answer so far), streamed a page at a time. */
    @Get(value = "/results", produces = {"application/json", "text/csv", "application/x-ndjson"})
    public HttpResponse<Publisher<byte[]>> results(@PathVariable long id, @Nullable @QueryValue String format, Authentication auth) {
        String f = checkFormat(format);
        List<ResultsService.ItemResult> rows = results.results(Caller.of(auth).jobScope(), id);
        return export(() -> Exports.ofList(rows, results.exportPage()), f, "job-" + id + "-results",
                List.of("item", "label", "confidence", "answers", "method"),
                r -> List.of(r.item(), r.label(), r.confidence(), r.answers(), r.method()));
    }

    /** The job's answers in the order they came, streamed from the database a page at a time. */
    @Get(value = "/answers", produces = {"application/json", "text/csv", "application/x-ndjson"})
    public HttpResponse<Publisher<byte[]>> answers(@PathVariable long id, @Nullable @QueryValue String format, Authentication auth) {
        String f = checkFormat(format);
        return export(results.answers(Caller.of(auth).jobScope(), id), f, "job-" + id + "-answers",
                List.of("item", "worker", "label", "gold", "status", "submitted_at"),
                r -> List.of(r.item(), r.worker(), r.label(), r.gold(), r.status(), r.submittedAt().toString()));
    }

    private static String checkFormat(@Nullable String format) {
        String f = format == null ? "json" : format;
        if (!List.of("json", "csv", "jsonl").contains(f)) {
            throw ApiException.invalid("format", "must be json, csv or jsonl");
        }
        return f;
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

    private <T> HttpResponse<Publisher<byte[]>> export(Callable<Exports.Pages<T>> pages, String format, String name, List<String> header,
                                                       Function<T, List<Object>> columns) {
        return switch (format) {
            case "csv" -> Exports.response(Exports.stream(pages, Exports.csvHeader(header), "",
                            Exports.csv((T r) -> columns.apply(r).stream().map(ResultsController::spreadsheetSafe).toList())),
                    "text/csv; charset=utf-8", name + ".csv");
            case "jsonl" -> Exports.response(Exports.stream(pages, "", "", Exports.jsonLines(json, (T r) -> r)), "application/x-ndjson",
                    name + ".jsonl");
            default -> Exports.response(Exports.stream(pages, "[", "]", Exports.jsonArray(json, (T r) -> r)), "application/json", null);
        };
    }
}
