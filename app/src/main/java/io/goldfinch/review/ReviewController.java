package io.goldfinch.review;

import io.goldfinch.accounts.Caller;
import io.goldfinch.accounts.Role;
import io.goldfinch.common.Db;
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
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Review: requesters approve or reject (with verified evidence) answers on their own jobs; workers appeal rejections;
 * quality managers reject on any job, decide rejections held back by the cap, and decide appeals.
 */
@Controller("/api")
@Tag(name = "review")
public class ReviewController {

    @Serdeable
    public record Rejection(@NotBlank @Size(min = 5, max = 2000) String reason, @NotNull ReviewService.EvidenceKind evidence) {
    }

    @Serdeable
    public record Reviewed(UUID assignmentId, String status) {
    }

    @Serdeable
    public record AppealBody(@NotBlank @Size(min = 5, max = 4000) String message) {
    }

    @Serdeable
    public record Appealed(UUID appealId, String status) {
    }

    @Serdeable
    public record Decision(@Size(max = 2000) String note) {
    }

    /** A pending rejection request or appeal: the requester's reason or the worker's message, the evidence, and the answer. */
    @Serdeable
    public record Pending(UUID id, UUID assignmentId, String text, String evidence, Instant createdAt, long jobId, long workerId,
                          String label, String item) {
    }

    private final ReviewService reviews;
    private final Db db;

    public ReviewController(ReviewService reviews, Db db) {
        this.reviews = reviews;
        this.db = db;
    }

    /**
     * The job's answers open to review that a rejection could cite evidence against, strongest first: contradicted by
     * the crowd's label (a gold's key) with at least the posterior threshold, or by a worker failing half his golds.
     */
    @Get("/jobs/{id}/review")
    @Secured({Role.REQUESTER_NAME, Role.QUALITY_MANAGER_NAME, Role.ADMIN_NAME})
    public ReviewService.ReviewQueue reviewQueue(@PathVariable long id, @io.micronaut.core.annotation.Nullable @io.micronaut.http.annotation.QueryValue Integer limit,
                                                 Authentication auth) {
        return reviews.reviewQueue(Caller.of(auth).jobScope(), id, limit == null ? 100 : limit);
    }

    @Post("/assignments/{id}/approve")
    @Consumes(MediaType.ALL)
    @Secured(Role.REQUESTER_NAME)
    public Reviewed approve(@PathVariable UUID id, Authentication auth) {
        return new Reviewed(id, reviews.approve(Caller.of(auth).userId(), id));
    }

    @Post("/assignments/{id}/reject")
    @Secured(Role.REQUESTER_NAME)
    public Reviewed reject(@PathVariable UUID id, @Body @Valid Rejection body, Authentication auth) {
        long caller = Caller.of(auth).userId();
        return new Reviewed(id, reviews.reject(caller, caller, id, body.reason(), body.evidence()));
    }

    @Post("/qm/assignments/{id}/reject")
    @Secured(Role.QUALITY_MANAGER_NAME)
    public Reviewed qmReject(@PathVariable UUID id, @Body @Valid Rejection body, Authentication auth) {
        return new Reviewed(id, reviews.reject(null, Caller.of(auth).userId(), id, body.reason(), body.evidence()));
    }

    @Post("/worker/assignments/{id}/appeal")
    @Status(HttpStatus.CREATED)
    @Secured(Role.WORKER_NAME)
    public Appealed appeal(@PathVariable UUID id, @Body @Valid AppealBody body, Authentication auth) {
        return new Appealed(reviews.appeal(Caller.of(auth).userId(), id, body.message()), "PENDING");
    }

    /** The caller's rejections (current and reversed), with the evidence a worker may see and any appeal. */
    @Get("/worker/rejections")
    @Secured(Role.WORKER_NAME)
    public List<ReviewService.WorkerRejection> myRejections(Authentication auth) {
        return reviews.workerRejections(Caller.of(auth).userId());
    }

    @Get("/qm/rejections")
    @Secured(Role.QUALITY_MANAGER_NAME)
    public List<Pending> pendingRejections() {
        return db.tx(c -> Db.list(c, ReviewController::pending,
                "SELECT r.id, r.assignment_id, r.reason, r.evidence::text, r.created_at, a.job_id, a.worker_id, a.label, i.external_id "
                        + "FROM rejection_request r JOIN assignment a ON a.id = r.assignment_id JOIN item i ON i.id = a.item_id "
                        + "WHERE r.status = 'PENDING' ORDER BY r.created_at LIMIT 500"));
    }

    @Post("/qm/rejections/{id}/approve")
    @Consumes(MediaType.ALL)
    @Secured(Role.QUALITY_MANAGER_NAME)
    public Reviewed approveRejection(@PathVariable UUID id, Authentication auth) {
        return new Reviewed(id, reviews.decideRejection(Caller.of(auth).userId(), id, true));
    }

    @Post("/qm/rejections/{id}/deny")
    @Consumes(MediaType.ALL)
    @Secured(Role.QUALITY_MANAGER_NAME)
    public Reviewed denyRejection(@PathVariable UUID id, Authentication auth) {
        return new Reviewed(id, reviews.decideRejection(Caller.of(auth).userId(), id, false));
    }

    @Get("/qm/appeals")
    @Secured(Role.QUALITY_MANAGER_NAME)
    public List<Pending> pendingAppeals() {
        return db.tx(c -> Db.list(c, ReviewController::pending,
                "SELECT p.id, p.assignment_id, p.message, a.review_evidence::text, p.created_at, a.job_id, a.worker_id, a.label, i.external_id "
                        + "FROM appeal p JOIN assignment a ON a.id = p.assignment_id JOIN item i ON i.id = a.item_id "
                        + "WHERE p.status = 'PENDING' ORDER BY p.created_at LIMIT 500"));
    }

    private static Pending pending(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Pending(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4), rs.getTimestamp(5).toInstant(),
                rs.getLong(6), rs.getLong(7), rs.getString(8), rs.getString(9));
    }

    @Post("/qm/appeals/{id}/uphold")
    @Secured(Role.QUALITY_MANAGER_NAME)
    public Reviewed upholdAppeal(@PathVariable UUID id, @Body @Valid Decision body, Authentication auth) {
        return new Reviewed(id, reviews.decideAppeal(Caller.of(auth).userId(), id, false, body.note()));
    }

    @Post("/qm/appeals/{id}/reverse")
    @Secured(Role.QUALITY_MANAGER_NAME)
    public Reviewed reverseAppeal(@PathVariable UUID id, @Body @Valid Decision body, Authentication auth) {
        return new Reviewed(id, reviews.decideAppeal(Caller.of(auth).userId(), id, true, body.note()));
    }
}
