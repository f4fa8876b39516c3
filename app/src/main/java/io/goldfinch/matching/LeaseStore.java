package io.goldfinch.matching;

import io.goldfinch.common.Db;
import io.goldfinch.common.GroupCall;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Writes leases to Postgres after its checks (claim_lease, V25), with group execution: the claims that arrive while a
 * group runs go together in the next one (claim_leases, V27), sorted by item so that row locks are taken in order.
 */
@Singleton
public final class LeaseStore {

    /** One lease to write; {@code limit} is the item's overlap, or the job's gold budget for a gold. */
    public record Claim(UUID id, long jobId, long itemId, long workerId, boolean gold, long rewardMinor, long feeMinor, Instant now,
                        Instant expires, long limit) {
    }

    private final Db db;
    private final GroupCall<Claim, Optional<String>> calls;

    public LeaseStore(Db db, @Value("${goldfinch.write-groups:1}") int groups, MeterRegistry metrics) {
        this.db = db;
        // Locks follow one order (V32): items in item order, then gold-usage rows in job order, so that groups running
        // at once (goldfinch.write-groups above 1) never wait on each other in a cycle.
        this.calls = new GroupCall<>("lease-writer", 256, checkWriteGroups(groups), this::group, this::one, metrics);
    }

    /**
     * How many groups of leases, and of answers, may run at once, each on its own connection. One by default: with
     * two, a group formed while the other waited for its commit, but on 2 cores the groups were smaller and cost more
     * database time per row. Load benchmark, 500 workers, 200 ms think (about 2,300 pairs/s offered), four alternating
     * runs each: one group served 2,150-2,260 pairs/s at p50 15-22 ms, two groups 2,080-2,160 at p50 22-30 ms.
     */
    static int checkWriteGroups(int groups) {
        if (groups < 1 || groups > 16) {
            throw new IllegalArgumentException("goldfinch.write-groups must be 1 to 16, got " + groups);
        }
        return groups;
    }

    /** The item's data when Postgres wrote the lease; empty when it refused (Redis was stale). */
    public Optional<String> claim(Claim claim) {
        return calls.call(claim);
    }

    private Optional<String> one(Claim c) {
        return db.autocommit(conn -> Db.one(conn, rs -> rs.getString(1), "SELECT claim_lease(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", c.id(),
                c.jobId(), c.itemId(), c.workerId(), c.gold(), c.rewardMinor(), c.feeMinor(), Timestamp.from(c.now()),
                Timestamp.from(c.expires()), c.limit()));
    }

    private List<Optional<String>> group(List<Claim> claims) {
        return db.autocommit(conn -> write(conn, claims, null));
    }

    /**
     * Writes {@code claims} on {@code conn} in one call (claim_leases, V32), sorted by item so that row locks are taken in
     * order; with {@code answered} (the items whose answers the same transaction stores), through
     * claim_leases_with_answers (V52), which locks those items' rows with the claimed ones in one pass and leaves the
     * transaction's commit durable. One result per claim, in input order: the item's data, or empty when refused.
     */
    static List<Optional<String>> write(Connection conn, List<Claim> claims, Long[] answered) throws SQLException {
        Integer[] order = new Integer[claims.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingLong(i -> claims.get(i).itemId()));
        int n = order.length;
        UUID[] ids = new UUID[n];
        Long[] jobs = new Long[n];
        Long[] items = new Long[n];
        Long[] workers = new Long[n];
        Boolean[] gold = new Boolean[n];
        Long[] rewards = new Long[n];
        Long[] fees = new Long[n];
        Timestamp[] now = new Timestamp[n];
        Timestamp[] expires = new Timestamp[n];
        Long[] limits = new Long[n];
        for (int k = 0; k < n; k++) {
            Claim c = claims.get(order[k]);
            ids[k] = c.id();
            jobs[k] = c.jobId();
            items[k] = c.itemId();
            workers[k] = c.workerId();
            gold[k] = c.gold();
            rewards[k] = c.rewardMinor();
            fees[k] = c.feeMinor();
            now[k] = Timestamp.from(c.now());
            expires[k] = Timestamp.from(c.expires());
            limits[k] = c.limit();
        }
        List<Optional<String>> results = new ArrayList<>(java.util.Collections.nCopies(n, Optional.<String>empty()));
        List<Object> args = new ArrayList<>();
        if (answered != null) {
            args.add(array(conn, "int8", answered));
        }
        args.addAll(List.of(array(conn, "uuid", ids), array(conn, "int8", jobs), array(conn, "int8", items), array(conn, "int8", workers),
                array(conn, "bool", gold), array(conn, "int8", rewards), array(conn, "int8", fees), array(conn, "timestamptz", now),
                array(conn, "timestamptz", expires), array(conn, "int8", limits)));
        Db.list(conn, rs -> {
                    results.set(order[rs.getInt(1) - 1], Optional.ofNullable(rs.getString(2)));
                    return null;
                }, answered == null ? "SELECT o_index, o_data FROM claim_leases(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        : "SELECT o_index, o_data FROM claim_leases_with_answers(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", args.toArray());
        return results;
    }

    static java.sql.Array array(Connection c, String type, Object[] values) throws SQLException {
        return c.createArrayOf(type, values);
    }

    @PreDestroy
    void close() {
        calls.close();
    }
}
