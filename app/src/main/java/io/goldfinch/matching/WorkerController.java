package io.goldfinch.matching;

import io.goldfinch.accounts.Caller;
import io.goldfinch.accounts.Role;
import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.goldfinch.ledger.Ledger;
import io.goldfinch.quality.WorkerAccuracy;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Status;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import java.util.List;
import java.util.UUID;

/** The worker's side: eligible jobs, the next task, answer, skip, earnings. */
@Controller("/api/worker")
@Secured(Role.WORKER_NAME)
@Tag(name = "worker")
public class WorkerController {

    @Serdeable
    public record EligibleJob(long id, String title, String instructions, List<String> labels, long rewardMinor, long openTasks,
                              @Nullable Double medianSecondsPerTask, @Nullable Long effectiveHourlyMinor, @Nullable java.time.Instant deadline,
                              Rules rules) {
    }

    /**
     * The job's stopping rules, told before the first task: the minimum accuracy on checks (0: none) after how many,
     * and the speed limit (0: none) over how many answers.
     */
    @Serdeable
    public record Rules(double minAccuracy, int probationGolds, double minMedianSeconds, int speedWindow) {
    }

    @Serdeable
    public record AnswerBody(@NotBlank @Size(max = 100) String label) {
    }

    /**
     * Gold results count here only once the answer has been reviewed, so that a worker cannot tell from this page, right
     * after answering, which task was a gold.
     */
    @Serdeable
    public record Earnings(long pendingMinor, long balanceMinor, long goldAnswered, long goldCorrect, double accuracyEstimate) {
    }

    private final MatchingService matching;
    private final TaskService tasks;
    private final Db db;
    private final Ledger ledger;

    public WorkerController(MatchingService matching, TaskService tasks, Db db, Ledger ledger) {
        this.matching = matching;
        this.tasks = tasks;
        this.db = db;
        this.ledger = ledger;
    }

    @Get("/jobs")
    public List<EligibleJob> jobs(Authentication auth) {
        return matching.eligibleJobs(Caller.of(auth).userId()).stream()
                .map(j -> {
                    Double median = db.tx(c -> io.goldfinch.review.PayRates.medianSecondsPerTask(c, j.id()));
                    return new EligibleJob(j.id(), j.title(), j.instructions(), j.labels(), j.rewardMinor(), matching.openItems(j.id()),
                            median, io.goldfinch.ledger.FairPay.effectiveHourlyMinor(j.rewardMinor(), median), j.deadline(),
                            new Rules(j.requirements().minAccuracy(), j.requirements().probationGolds(), j.requirements().minMedianSeconds(),
                                    j.requirements().speedWindow()));
                })
                .filter(j -> j.openTasks() > 0)
                .toList();
    }

    /**
     * The running jobs the worker has answered in that take no more of his tasks, with the reason (the job's minimum
     * accuracy or speed limit, a cap, a failed exam): a job does not silently leave his list.
     */
    @Get("/jobs/closed")
    public List<MatchingService.ClosedJob> closedJobs(Authentication auth) {
        return matching.closedJobs(Caller.of(auth).userId());
    }

    @Post("/tasks/next")
    @Consumes(MediaType.ALL)
    public HttpResponse<Task> next(@Nullable @QueryValue Long jobId, Authentication auth) {
        return matching.next(Caller.of(auth).userId(), jobId)
                .map(HttpResponse::ok)
                .orElseGet(HttpResponse::noContent);
    }

    /**
     * Answers a leased task. With {@code next=true} the same call also leases the worker's next task (from
     * {@code jobId}, or from any job) and returns it as {@code next}; it is absent when none was leased, and
     * {@code /tasks/next} then says why. The answer's outcome is the same either way.
     */
    @Post("/tasks/{assignmentId}/answer")
    public TaskService.Submitted answer(@PathVariable UUID assignmentId, @Body @Valid AnswerBody body,
                                        @Nullable @Header("Idempotency-Key") String idempotencyKey,
                                        @Nullable @QueryValue String next, @Nullable @QueryValue Long jobId, Authentication auth) {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            throw ApiException.invalid("Idempotency-Key", "must be 1 to 200 characters");
        }
        if (next != null && !next.equals("true") && !next.equals("false")) {
            throw ApiException.invalid("next", "must be true or false");
        }
        boolean andNext = "true".equals(next);
        if (jobId != null && !andNext) {
            throw ApiException.invalid("jobId", "is only used together with next=true");
        }
        long worker = Caller.of(auth).userId();
        return andNext
                ? tasks.submitAndNext(worker, assignmentId, body.label(), idempotencyKey, jobId)
                : tasks.submit(worker, assignmentId, body.label(), idempotencyKey);
    }

    @Post("/tasks/{assignmentId}/release")
    @Consumes(MediaType.ALL)
    @Status(HttpStatus.NO_CONTENT)
    public void release(@PathVariable UUID assignmentId, Authentication auth) {
        tasks.release(Caller.of(auth).userId(), assignmentId);
    }

    @Get("/earnings")
    public Earnings earnings(Authentication auth) {
        long worker = Caller.of(auth).userId();
        return db.tx(c -> {
            long pending = Db.scalarLong(c, "SELECT COALESCE(SUM(reward_minor), 0) FROM assignment WHERE worker_id = ? AND status = 'SUBMITTED'", worker);
            long answered = Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE worker_id = ? AND is_gold AND gold_correct IS NOT NULL AND status IN ('ACCEPTED','REJECTED')", worker);
            long correct = Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE worker_id = ? AND is_gold AND gold_correct AND status IN ('ACCEPTED','REJECTED')", worker);
            long balance = ledger.balance(c, Ledger.workerBalance(worker));
            double estimate = WorkerAccuracy.estimate(correct, answered);
            return new Earnings(pending, balance, answered, correct, estimate);
        });
    }
}
