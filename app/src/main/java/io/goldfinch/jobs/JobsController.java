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
    private final JobLifecycle lifecycle;

    public JobsController(JobService jobs, JobLifecycle lifecycle) {
        this.jobs = jobs;
        this.lifecycle = lifecycle;
    }

    @Post
    @Status(HttpStatus.CREATED)
    public Job create(@Body @Valid JobSpec spec, Authentication auth) {
        return jobs.create(Caller.of(auth).userId(), spec);
    }

    /** What to copy: a title for the new draft (default: the old one with " (copy)"), and whether its golds come along (default yes). */
    @io.micronaut.serde.annotation.Serdeable
    public record Duplicate(@io.micronaut.core.annotation.Nullable @jakarta.validation.constraints.Size(min = 1, max = 200)
                            @jakarta.validation.constraints.Pattern(regexp = ".*\\S.*", message = "must not be blank") String title,
                            @io.micronaut.core.annotation.Nullable Boolean golds) {
    }

    /** A new draft with this job's settings (not its deadline) and, unless asked not to, its golds in service; never its items. */
    @Post("/{id}/duplicate")
    @Status(HttpStatus.CREATED)
    public Job duplicate(@PathVariable long id, @io.micronaut.core.annotation.Nullable @Body @Valid Duplicate body, Authentication auth) {
        return jobs.duplicate(Caller.of(auth).userId(), id, body == null ? null : body.title(), body == null || body.golds() == null || body.golds());
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

    /** Why a job was paused, resumed or cancelled; kept in its change history. */
    @io.micronaut.serde.annotation.Serdeable
    public record JobNote(@io.micronaut.core.annotation.Nullable @jakarta.validation.constraints.Size(max = 2000) String note) {
        static String of(JobNote body) {
            return body == null ? null : body.note();
        }
    }

    @Operation(summary = "Stop leasing the job's tasks (leases already out may still be answered); it stays paused through top-ups until resumed")
    @Post("/{id}/pause")
    @Consumes(MediaType.ALL)
    @Secured({Role.REQUESTER_NAME, Role.QUALITY_MANAGER_NAME, Role.ADMIN_NAME})
    public Job pause(@PathVariable long id, @io.micronaut.core.annotation.Nullable @Body @Valid JobNote body, Authentication auth) {
        Caller caller = Caller.of(auth);
        return lifecycle.pause(caller.jobScope(), caller.userId(), id, JobNote.of(body));
    }

    @Operation(summary = "Open a paused job to workers again; 409 escrow-short when its escrow does not cover its committed work")
    @Post("/{id}/resume")
    @Consumes(MediaType.ALL)
    @Secured({Role.REQUESTER_NAME, Role.QUALITY_MANAGER_NAME, Role.ADMIN_NAME})
    public Job resume(@PathVariable long id, @io.micronaut.core.annotation.Nullable @Body @Valid JobNote body, Authentication auth) {
        Caller caller = Caller.of(auth);
        return lifecycle.resume(caller.jobScope(), caller.userId(), id, JobNote.of(body));
    }

    @Operation(summary = "Cancel the job: no new leases; leases out may still be answered and are paid; unused escrow returns")
    @Post("/{id}/cancel")
    @Consumes(MediaType.ALL)
    @Secured({Role.REQUESTER_NAME, Role.QUALITY_MANAGER_NAME, Role.ADMIN_NAME})
    public Job cancel(@PathVariable long id, @io.micronaut.core.annotation.Nullable @Body @Valid JobNote body, Authentication auth) {
        Caller caller = Caller.of(auth);
        return lifecycle.cancel(caller.jobScope(), caller.userId(), id, JobNote.of(body));
    }

    @Operation(summary = "Change a draft's or running job's settings (title, instructions, gold rate, minimum accuracy, confidence target, "
            + "skills, caps, priority, hourly floor; caps and floor 0 for none); a new gold rate re-budgets the gold tasks in escrow")
    @io.micronaut.http.annotation.Patch("/{id}")
    @Secured({Role.REQUESTER_NAME, Role.QUALITY_MANAGER_NAME, Role.ADMIN_NAME})
    public Job updateSettings(@PathVariable long id, @Body @Valid JobSettings body, Authentication auth) {
        Caller caller = Caller.of(auth);
        return lifecycle.updateSettings(caller.jobScope(), caller.userId(), id, body);
    }

    @Operation(summary = "Who paused, resumed, cancelled or changed the job's settings, when, and what changed; oldest first")
    @Get("/{id}/changes")
    @Secured({Role.REQUESTER_NAME, Role.QUALITY_MANAGER_NAME, Role.ADMIN_NAME})
    public List<JobLifecycle.Change> changes(@PathVariable long id, Authentication auth) {
        return lifecycle.changes(Caller.of(auth).jobScope(), id);
    }

    @Operation(summary = "Move money from the requester's balance to the job's escrow; a job paused because its escrow ran short resumes")
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
