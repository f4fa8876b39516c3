package io.goldfinch.jobs;

import io.goldfinch.accounts.Caller;
import io.goldfinch.accounts.Role;
import io.goldfinch.common.ApiException;
import io.goldfinch.ledger.LedgerRules;
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
import io.micronaut.serde.annotation.SerdeImport;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import java.io.InputStream;
import java.util.List;

/** A requester's jobs: create, upload items and golds, see the price, publish. */
@Controller("/api/jobs")
@Secured(Role.REQUESTER_NAME)
@Tag(name = "jobs")
@SerdeImport(LedgerRules.Quote.class)
public class JobsController {

    private final JobService jobs;

    public JobsController(JobService jobs) {
        this.jobs = jobs;
    }

    @Post
    @Status(HttpStatus.CREATED)
    public Job create(@Body @Valid JobSpec spec, Authentication auth) {
        return jobs.create(Caller.of(auth).userId(), spec);
    }

    @Get
    public List<Job> list(Authentication auth) {
        return jobs.list(Caller.of(auth).userId());
    }

    @Get("/{id}")
    public Job get(@PathVariable long id, Authentication auth) {
        return jobs.get(Caller.of(auth).userId(), id);
    }

    @Operation(summary = "Upload items as CSV (text/csv, header row, optional id column) or JSONL (application/x-ndjson)")
    @Post(value = "/{id}/items", consumes = MediaType.ALL)
    public JobService.UploadReport uploadItems(@PathVariable long id, HttpRequest<?> request, @Body InputStream body, Authentication auth) {
        return jobs.upload(Caller.of(auth).userId(), id, false, format(request), body);
    }

    @Operation(summary = "Upload gold items: like items, plus a 'label' column/field with the correct label (and an optional 'hint'). "
            + "Golds may be added to a draft, published or paused job; quality managers and admins may add them to any job")
    @Post(value = "/{id}/golds", consumes = MediaType.ALL)
    @Secured({Role.REQUESTER_NAME, Role.QUALITY_MANAGER_NAME, Role.ADMIN_NAME})
    public JobService.UploadReport uploadGolds(@PathVariable long id, HttpRequest<?> request, @Body InputStream body, Authentication auth) {
        return jobs.upload(Caller.of(auth).jobScope(), id, true, format(request), body);
    }

    @Operation(summary = "What publishing will reserve: tasks, gold tasks, rewards and the platform fee")
    @Get("/{id}/quote")
    public LedgerRules.Quote quote(@PathVariable long id, Authentication auth) {
        return jobs.quote(Caller.of(auth).userId(), id);
    }

    @Post("/{id}/publish")
    @Consumes(MediaType.ALL)
    public Job publish(@PathVariable long id, Authentication auth) {
        return jobs.publish(Caller.of(auth).userId(), id);
    }

    @io.micronaut.serde.annotation.Serdeable
    public record TopUp(@jakarta.validation.constraints.Positive long amountMinor,
                        @jakarta.validation.constraints.NotBlank @jakarta.validation.constraints.Size(max = 100)
                        @jakarta.validation.constraints.Pattern(regexp = "[A-Za-z0-9._:-]+") String reference) {
    }

    @Operation(summary = "Move money from the requester's balance to the job's escrow; a paused job resumes")
    @Post("/{id}/top-up")
    public Job topUp(@PathVariable long id, @Body @Valid TopUp body, Authentication auth) {
        return jobs.topUp(Caller.of(auth).userId(), id, body.amountMinor(), body.reference());
    }

    private static ItemParser.Format format(HttpRequest<?> request) {
        String contentType = request.getContentType().map(MediaType::toString).orElse("");
        ItemParser.Format format = ItemParser.Format.fromContentType(contentType);
        if (format == null) {
            throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                    "send text/csv or application/x-ndjson, not '" + contentType + "'");
        }
        return format;
    }
}
