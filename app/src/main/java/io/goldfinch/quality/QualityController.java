package io.goldfinch.quality;

import io.goldfinch.accounts.Caller;
import io.goldfinch.accounts.Role;
import io.micronaut.http.annotation.Controller;
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

    public QualityController(GoldHealthService goldHealth) {
        this.goldHealth = goldHealth;
    }

    /** Each gold's statistics and the crowd's view of it, with golds that look wrong or ambiguous flagged. */
    @Get("/golds/health")
    public GoldHealthService.Report goldHealth(@PathVariable long id, Authentication auth) {
        Caller caller = Caller.of(auth);
        boolean anyJob = caller.has(Role.QUALITY_MANAGER) || caller.has(Role.ADMIN);
        return goldHealth.report(anyJob ? null : caller.userId(), id);
    }
}
