package io.goldfinch.quality;

import io.goldfinch.accounts.Caller;
import io.goldfinch.accounts.Role;
import io.goldfinch.common.ApiException;
import io.goldfinch.jobs.ItemParser;
import io.goldfinch.jobs.JobService;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Status;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.io.InputStream;
import java.util.List;

/**
 * Gold sets shared across jobs. A requester manages his own sets and adds them to his own jobs; quality managers and
 * admins manage every set and add any set to any job. Never workers.
 */
@Controller("/api/gold-sets")
@Secured({Role.REQUESTER_NAME, Role.QUALITY_MANAGER_NAME, Role.ADMIN_NAME})
@Tag(name = "quality")
public class GoldSetsController {

    private final GoldSetService sets;

    public GoldSetsController(GoldSetService sets) {
        this.sets = sets;
    }

    /** A new set: its name and labels (2 to 50, distinct). */
    @Serdeable
    public record NewSet(@NotBlank @Size(max = 200) String name,
                         @NotNull @Size(min = 2, max = 50) List<@NotBlank @Size(max = 100) String> labels) {
    }

    @Post
    @Status(HttpStatus.CREATED)
    public GoldSetService.GoldSet create(@Body @Valid NewSet body, Authentication auth) {
        return sets.create(Caller.of(auth).userId(), body.name(), body.labels());
    }

    @Get
    public List<GoldSetService.GoldSet> list(Authentication auth) {
        return sets.list(Caller.of(auth).jobScope());
    }

    /** The set and its golds, each with its data, key, hint, retirement, and statistics summed over the jobs that have it. */
    @Get("/{id}")
    public GoldSetService.Detail get(@PathVariable long id, Authentication auth) {
        return sets.detail(Caller.of(auth).jobScope(), id);
    }

    @Operation(summary = "Add golds to the set, as CSV (text/csv: id, label, optional hint, other columns are the data) or JSONL")
    @Post(value = "/{id}/golds", consumes = MediaType.ALL)
    public JobService.UploadReport upload(@PathVariable long id, HttpRequest<?> request, @Body InputStream body, Authentication auth) {
        String contentType = request.getContentType().map(MediaType::toString).orElse("");
        ItemParser.Format format = ItemParser.Format.fromContentType(contentType);
        if (format == null) {
            throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                    "send text/csv or application/x-ndjson, not '" + contentType + "'");
        }
        return sets.upload(Caller.of(auth).jobScope(), id, format, body);
    }

    @Operation(summary = "Copy the set's golds in service into a draft, published or paused job (golds it already has, by id, are left alone)")
    @Post("/{id}/jobs/{jobId}")
    @Consumes(MediaType.ALL)
    public GoldSetService.Added addToJob(@PathVariable long id, @PathVariable long jobId, Authentication auth) {
        return sets.addToJob(Caller.of(auth).jobScope(), id, jobId);
    }

    @Post("/{id}/retire")
    public GoldSetService.SetGoldState retire(@PathVariable long id, @Body @Valid QualityController.Retirement body, Authentication auth) {
        Caller caller = Caller.of(auth);
        return sets.retire(caller.jobScope(), caller.userId(), id, body.item(), Boolean.TRUE.equals(body.voidAnswers()));
    }

    @Post("/{id}/restore")
    public GoldSetService.SetGoldState restore(@PathVariable long id, @Body @Valid QualityController.GoldRef body, Authentication auth) {
        Caller caller = Caller.of(auth);
        return sets.restore(caller.jobScope(), caller.userId(), id, body.item());
    }

    @Operation(summary = "Correct a set gold's key, and every job's copy: answers re-scored, the rejections it caused reversed and paid")
    @Post("/{id}/corrections")
    public GoldSetService.SetFix correct(@PathVariable long id, @Body @Valid QualityController.GoldCorrection body, Authentication auth) {
        return sets.correct(Caller.of(auth).jobScope(), id, body.item(), body.label());
    }
}
