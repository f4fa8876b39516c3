package io.goldfinch.results;

import io.goldfinch.accounts.Caller;
import io.goldfinch.accounts.Role;
import io.goldfinch.common.ApiException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.JsonMapper;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.reactivestreams.Publisher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Immutable, versioned dataset snapshots of a job's labels: create one, list them, download one as JSON, CSV, JSONL or
 * Label Studio tasks, and read the worker models behind it. The job's requester sees his own jobs; quality managers
 * and admins any job.
 */
@Controller("/api/jobs/{id}/snapshots")
@Secured({Role.REQUESTER_NAME, Role.QUALITY_MANAGER_NAME, Role.ADMIN_NAME})
@Tag(name = "results")
public class SnapshotsController {

    private final SnapshotService snapshots;
    private final JsonMapper json;

    public SnapshotsController(SnapshotService snapshots, JsonMapper json) {
        this.snapshots = snapshots;
        this.json = json;
    }

    /** Aggregates every answer so far and stores the labels as the job's next version. 409 before any answer. */
    @Post
    public HttpResponse<SnapshotService.Snapshot> create(@PathVariable long id, Authentication auth) {
        Caller caller = Caller.of(auth);
        SnapshotService.Snapshot s = snapshots.create(caller.jobScope(), caller.userId(), id);
        return HttpResponse.created(s, URI.create("/api/jobs/" + id + "/snapshots/" + s.version()));
    }

    /** The job's versions, newest first. */
    @Get
    public List<SnapshotService.Snapshot> list(@PathVariable long id, Authentication auth) {
        return snapshots.list(Caller.of(auth).jobScope(), id);
    }

    @Get("/{version}")
    public SnapshotService.Snapshot get(@PathVariable long id, @PathVariable int version, Authentication auth) {
        return snapshots.get(Caller.of(auth).jobScope(), id, version);
    }

    /**
     * A version's labels, each with its provenance (version and model). {@code format}: json (default), csv (the bytes
     * the snapshot's SHA-256 is over), jsonl, or label-studio: Label Studio tasks, each item's data with the label as a
     * prediction scored by its confidence, for a choices control {@code fromName} (default {@code label}) on the
     * object {@code toName} (default: the item's first data field). The body is streamed, a page of items at a time,
     * so a version of millions of items is never held in memory whole.
     */
    @Get(value = "/{version}/items", produces = {"application/json", "text/csv", "application/x-ndjson"})
    public HttpResponse<Publisher<byte[]>> items(@PathVariable long id, @PathVariable int version, @Nullable @QueryValue String format,
                                                 @Nullable @QueryValue String fromName, @Nullable @QueryValue String toName, Authentication auth) {
        String f = format == null ? "json" : format;
        if (!List.of("json", "csv", "jsonl", "label-studio").contains(f)) {
            throw ApiException.invalid("format", "must be json, csv, jsonl or label-studio");
        }
        checkName("fromName", fromName);
        checkName("toName", toName);
        SnapshotService.Export export = snapshots.export(Caller.of(auth).jobScope(), id, version, f.equals("label-studio"));
        String file = "job-" + id + "-v" + version;
        String modelVersion = "goldfinch job " + id + " v" + version + " " + export.snapshot().model();
        String from = fromName == null ? "label" : fromName;
        return switch (f) {
            case "csv" -> Exports.response(Exports.stream(export::pages, Exports.csvHeader(SnapshotService.CSV_HEADER), "",
                    Exports.csv(row -> SnapshotService.csvCells(row.item()))), "text/csv; charset=utf-8", file + ".csv");
            case "jsonl" -> Exports.response(Exports.stream(export::pages, "", "", Exports.jsonLines(json, SnapshotService.Row::item)),
                    "application/x-ndjson", file + ".jsonl");
            case "label-studio" -> Exports.response(Exports.stream(export::pages, "[", "]",
                    Exports.jsonArray(json, row -> labelStudio(row, modelVersion, from, toName))), "application/json", file + "-label-studio.json");
            default -> Exports.response(Exports.stream(export::pages, "[", "]", Exports.jsonArray(json, SnapshotService.Row::item)),
                    "application/json", null);
        };
    }

    /** The worker models the version's labels came from: per worker the answers used and the confusion matrix. */
    @Get("/{version}/workers")
    public SnapshotService.Workers workers(@PathVariable long id, @PathVariable int version, Authentication auth) {
        return snapshots.workers(Caller.of(auth).jobScope(), id, version);
    }

    private static void checkName(String field, @Nullable String value) {
        if (value != null && (value.isBlank() || value.length() > 100)) {
            throw ApiException.invalid(field, "must be 1 to 100 characters");
        }
    }

    /**
     * Label Studio's task import format: {@code data} is the item's data plus {@code goldfinch_item} (its id), and the
     * label is a prediction ({@code model_version} names the job, version and model; {@code score} is the confidence),
     * so that a reviewer in Label Studio sees it as a pre-annotation to accept or correct.
     */
    private Map<String, Object> labelStudio(SnapshotService.Row row, String modelVersion, String fromName, @Nullable String toName) {
        SnapshotService.Item item = row.item();
        Map<String, Object> data;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> parsed = json.readValue(row.data(), Map.class);
            data = new LinkedHashMap<>(parsed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String object = toName != null ? toName : data.keySet().stream().findFirst().orElse("text");
        data.put("goldfinch_item", item.item());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("from_name", fromName);
        result.put("to_name", object);
        result.put("type", "choices");
        result.put("value", Map.of("choices", List.of(item.label())));
        Map<String, Object> prediction = new LinkedHashMap<>();
        prediction.put("model_version", modelVersion);
        prediction.put("score", item.confidence());
        prediction.put("result", List.of(result));
        Map<String, Object> task = new LinkedHashMap<>();
        task.put("data", data);
        task.put("predictions", List.of(prediction));
        return task;
    }
}
