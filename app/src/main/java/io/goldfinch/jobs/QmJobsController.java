package io.goldfinch.jobs;

import io.goldfinch.accounts.Role;
import io.goldfinch.common.Db;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.util.List;

/** Every requester's jobs, for quality managers and admins, who oversee them all (the quality console). */
@Controller("/api/qm")
@Secured({Role.QUALITY_MANAGER_NAME, Role.ADMIN_NAME})
@Tag(name = "quality")
public class QmJobsController {

    /** A job and whose it is. */
    @Serdeable
    public record OverseenJob(Job job, long requesterId, String requesterEmail) {
    }

    private final Db db;

    public QmJobsController(Db db) {
        this.db = db;
    }

    /** Jobs newest first, at most {@code limit} (default 200, at most 1,000); {@code status} narrows them to one status. */
    @Get("/jobs")
    public List<OverseenJob> jobs(@Nullable @QueryValue String status, @Nullable @QueryValue Integer limit) {
        int n = limit == null ? 200 : Math.max(1, Math.min(1000, limit));
        return db.tx(c -> Db.list(c, rs -> new OverseenJob(Job.map(rs), rs.getLong("requester_id"), rs.getString("requester_email")),
                "SELECT " + Job.COLUMNS + ", j.requester_id, u.email AS requester_email FROM job j JOIN app_user u ON u.id = j.requester_id "
                        + "WHERE (?::text IS NULL OR j.status = ?) ORDER BY j.id DESC LIMIT " + n, status, status));
    }
}
