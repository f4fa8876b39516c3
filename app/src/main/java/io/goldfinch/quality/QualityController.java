package io.goldfinch.quality;

import io.goldfinch.accounts.Caller;
import io.goldfinch.accounts.Role;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.swagger.v3.oas.annotations.tags.Tag;

/** Quality views of a job: its requester sees their own jobs, quality managers and admins any job. Never workers. */
@Controller("/api/jobs/{id}")
@Secured({Role.REQUESTER_NAME, Role.QUALITY_MANAGER_NAME, Role.ADMIN_NAME})
@Tag(name = "quality")
public class QualityController {

    private final GoldHealthService goldHealth;
    private final AdjudicationService adjudication;

    private final WorkerReportService workers;

    private final WhatIfService whatIf;
    private final GoldFixService goldFix;
    private final DriftService drift;
    private final GoldRetirementService retirement;
    private final ConfidenceCheckService confidence;

    public QualityController(GoldHealthService goldHealth, AdjudicationService adjudication, WorkerReportService workers, WhatIfService whatIf,
                             GoldFixService goldFix, DriftService drift, GoldRetirementService retirement, ConfidenceCheckService confidence) {
        this.retirement = retirement;
        this.confidence = confidence;
        this.goldHealth = goldHealth;
        this.adjudication = adjudication;
        this.workers = workers;
        this.whatIf = whatIf;
        this.goldFix = goldFix;
        this.drift = drift;
    }

    /** Per hour or day (UTC): answers, gold accuracy, and the label distribution of normal answers (the latest 1,000 buckets). */
    @Get("/drift")
    public DriftService.Drift drift(@PathVariable long id, @Nullable @QueryValue String bucket, Authentication auth) {
        return drift.drift(Caller.of(auth).jobScope(), id, bucket == null ? "hour" : bucket);
    }

    /**
     * The confidence target checked on golds: each gold replayed as a normal item under the job's overlap and target;
     * of those that would have closed at the target, how many were right (with a 90% interval), and whether even its
     * upper end is below the target.
     */
    @Get("/confidence-check")
    public ConfidenceCheckService.Check confidenceCheck(@PathVariable long id, Authentication auth) {
        return confidence.check(Caller.of(auth).jobScope(), id);
    }

    /** A gold's corrected key. */
    @Serdeable
    public record GoldCorrection(@NotBlank @Size(max = 500) String item, @NotBlank @Size(max = 200) String label) {
    }

    /**
     * Corrects a gold's key: its answers are re-scored, the workers' gold records follow, and the rejections the wrong
     * key caused are reversed and paid. 409 for an item that is not a gold, or when the requester cannot pay a reversal.
     */
    @Post("/golds/corrections")
    public GoldFixService.Fixed correctGold(@PathVariable long id, @Body @Valid GoldCorrection body, Authentication auth) {
        return goldFix.fix(Caller.of(auth).jobScope(), id, body.item(), body.label());
    }

    /**
     * A rule to try: stop a worker whose gold accuracy falls below {@code minAccuracy} after {@code probationGolds} golds
     * (default: the job's own, as the engine applies it), and optionally one whose median time over his last
     * {@code speedWindow} answers (default: the job's) falls below {@code minMedianSeconds}.
     */
    @Serdeable
    public record WhatIfRule(double minAccuracy, @Nullable Integer probationGolds, @Nullable Double minMedianSeconds, @Nullable Integer speedWindow) {
    }

    /** What the rule would have done on the job's answers so far: workers stopped, answers and cost saved, labels changed. */
    @Post("/what-if")
    public WhatIfService.Report whatIf(@PathVariable long id, @Body WhatIfRule body, Authentication auth) {
        return whatIf.replay(Caller.of(auth).jobScope(), id, job -> {
            try {
                return new RuleReplay.Rule(body.minAccuracy(), body.probationGolds() == null ? job.probationGolds() : body.probationGolds(),
                        body.minMedianSeconds() == null ? 0 : body.minMedianSeconds(), body.speedWindow() == null ? job.speedWindow() : body.speedWindow());
            } catch (IllegalArgumentException e) {
                throw io.goldfinch.common.ApiException.invalid("rule", e.getMessage());
            }
        });
    }

    /**
     * The job's workers: gold accuracy with its 90% credible interval, speed, agreement with the crowd, and risk flags
     * (LOW_GOLD_ACCURACY, TOO_FAST, STRAIGHT_LINING, COLLUSION), flagged first; and the pairs who agree suspiciously often.
     */
    @Get("/workers")
    public WorkerReportService.Report workers(@PathVariable long id, Authentication auth) {
        return workers.report(Caller.of(auth).jobScope(), id);
    }

    /** An expert's label for an item (its id as uploaded); {@code note} is optional (at most 2,000 characters). */
    @Serdeable
    public record Verdict(@NotBlank @Size(max = 500) String item, @NotBlank @Size(max = 200) String label,
                          @Nullable @Size(max = 2000) String note) {
    }

    /** Items the crowd left uncertain (closed at maximum overlap below the confidence target), least confident first. */
    @Get("/adjudication")
    public AdjudicationService.Queue adjudicationQueue(@PathVariable long id, @Nullable @QueryValue Integer limit, Authentication auth) {
        return adjudication.queue(Caller.of(auth).jobScope(), id, limit == null ? 50 : limit);
    }

    /** Sets an item's label; it replaces the crowd's in results and new dataset versions. */
    @Post("/adjudication")
    public AdjudicationService.Adjudication adjudicate(@PathVariable long id, @Body @Valid Verdict body, Authentication auth) {
        Caller caller = Caller.of(auth);
        return adjudication.adjudicate(caller.jobScope(), caller.userId(), id, body.item(), body.label(), body.note());
    }

    /** The job's current decisions (the latest per item), newest first. */
    @Get("/adjudications")
    public List<AdjudicationService.Adjudication> adjudications(@PathVariable long id, Authentication auth) {
        return adjudication.decisions(Caller.of(auth).jobScope(), id);
    }

    /** A gold, by its id as uploaded. */
    @Serdeable
    public record GoldRef(@NotBlank @Size(max = 500) String item) {
    }

    /** A gold to retire; with {@code voidAnswers}, its answers also stop counting for or against anyone. */
    @Serdeable
    public record Retirement(@NotBlank @Size(max = 500) String item, @Nullable Boolean voidAnswers) {
    }

    /**
     * Takes a gold out of service: it is served to no one from now on. Its answers keep their scores (correct a wrong key
     * instead) unless {@code voidAnswers} is true: then they stop counting, the workers' gold records lose them, and the
     * rejections they supported are reversed and paid (for an ambiguous gold, which has no right key). 409 for an item
     * that is not a gold.
     */
    @Post("/golds/retire")
    public GoldRetirementService.GoldState retireGold(@PathVariable long id, @Body @Valid Retirement body, Authentication auth) {
        Caller caller = Caller.of(auth);
        return retirement.retire(caller.jobScope(), caller.userId(), id, body.item(), Boolean.TRUE.equals(body.voidAnswers()));
    }

    /** Puts a retired gold back in service. */
    @Post("/golds/restore")
    public GoldRetirementService.GoldState restoreGold(@PathVariable long id, @Body @Valid GoldRef body, Authentication auth) {
        Caller caller = Caller.of(auth);
        return retirement.restore(caller.jobScope(), caller.userId(), id, body.item());
    }

    /** Each gold's statistics and the crowd's view of it, with golds that look wrong or ambiguous flagged. */
    @Get("/golds/health")
    public GoldHealthService.Report goldHealth(@PathVariable long id, Authentication auth) {
        return goldHealth.report(Caller.of(auth).jobScope(), id);
    }
}
