package io.goldfinch.matching;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.common.Db;
import io.goldfinch.support.Api;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The set-based submit_answers (V31) and claim_leases (V32) against the per-answer and per-lease calls they replace
 * for a group: for the same group, on the same database state, the same outcome for every element and the same stored
 * rows, gold records and gold usage; the answers a stored non-gold answer reports for its item are those after the
 * whole group. Each side runs in a transaction that is rolled back, so both start from the same state.
 */
@MicronautTest
class GroupedWritesTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    Db db;

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    private final List<Long> jobs = new ArrayList<>();
    private final Map<String, Long> items = new HashMap<>();
    private final List<Long> workers = new ArrayList<>();

    /** One answer of the group: assignment, worker, label, idempotency key. */
    private record Sent(UUID assignment, long worker, String label, String key) {
    }

    @BeforeEach
    void jobsItemsAndWorkers() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        long plain = api.createJob(requester, Map.of("overlapMin", 3, "overlapMax", 5));
        api.upload(requester, plain, "items", "text/csv", Api.itemsCsv("i", 5));
        api.upload(requester, plain, "golds", "text/csv", "id,text,label\ng0,\"review number 900\",positive\ng1,\"review number 901\",negative\n");
        long exam = api.createJob(requester, Map.of("goldRate", 0.0, "examSize", 2, "examPassShare", 1.0, "examSeats", 5));
        api.upload(requester, exam, "items", "text/csv", Api.itemsCsv("e", 1));
        api.upload(requester, exam, "golds", "text/csv", "id,text,label,hint\nx0,\"review number 800\",positive,\"Praise.\"\nx1,\"review number 801\",positive,\n");
        jobs.add(plain);
        jobs.add(exam);
        for (int w = 0; w < 12; w++) {
            workers.add(api.signUp("WORKER").id());
        }
        db.tx(c -> {
            for (long job : jobs) {
                Db.list(c, rs -> items.put(rs.getString(1), rs.getLong(2)), "SELECT external_id, id FROM item WHERE job_id = ?", job);
            }
            return null;
        });
    }

    @AfterEach
    void removeAssignments() {
        db.tx(c -> {
            for (long job : jobs) {
                Db.update(c, "DELETE FROM assignment WHERE job_id = ?", job);
            }
            Db.update(c, "DELETE FROM worker_gold_stats WHERE worker_id = ANY (?)", c.createArrayOf("int8", workers.toArray()));
            return null;
        });
    }

    private UUID lease(String item, int worker, String status, Instant expires, String label, String key) {
        UUID id = UUID.randomUUID();
        long itemId = items.get(item);
        db.tx(c -> Db.update(c, "INSERT INTO assignment (id, job_id, item_id, worker_id, is_gold, status, reward_minor, fee_minor, "
                        + "leased_at, lease_expires_at, label, submitted_at, idempotency_key) "
                        + "SELECT ?, job_id, id, ?, is_gold, ?, 10, 0, ?, ?, ?, ?, ? FROM item WHERE id = ?",
                id, workers.get(worker), status, Timestamp.from(now.minusSeconds(60)), Timestamp.from(expires), label,
                label == null ? null : Timestamp.from(now.minusSeconds(30)), key, itemId));
        return id;
    }

    private UUID lease(String item, int worker) {
        return lease(item, worker, "LEASED", now.plusSeconds(600), null, null);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aGroupGetsTheOutcomesAndStateOfItsAnswersOneByOne() {
        // Earlier, committed: worker 4 answered i2, worker 9 and 10 answered i0 (keys k9, k10), worker 11 one exam gold.
        lease("i2", 4, "SUBMITTED", now.plusSeconds(600), "negative", null);
        UUID repeat = lease("i1", 9, "SUBMITTED", now.plusSeconds(600), "positive", "k9");
        UUID answered = lease("i1", 10, "SUBMITTED", now.plusSeconds(600), "positive", "k10");
        lease("x0", 11, "SUBMITTED", now.plusSeconds(600), "positive", null);
        List<Sent> group = List.of(
                new Sent(lease("i0", 0), workers.get(0), "positive", "a0"),
                new Sent(lease("i0", 1), workers.get(1), "negative", null), // two answers on one item
                new Sent(lease("g0", 2), workers.get(2), "positive", null), // gold, right
                new Sent(lease("g1", 4), workers.get(4), "positive", null), // gold, wrong: worker 4's record changes
                new Sent(lease("i2", 5), workers.get(5), "positive", null), // i2 reports worker 4's new record
                new Sent(lease("i1", 6, "LEASED", now.minusSeconds(1), null, null), workers.get(6), "positive", null),
                new Sent(lease("i1", 7, "RELEASED", now.plusSeconds(600), null, null), workers.get(7), "positive", null),
                new Sent(lease("i2", 8), workers.get(8), "maybe", null),
                new Sent(lease("i2", 3), workers.get(3), null, null),
                new Sent(repeat, workers.get(9), "negative", "k9"),
                new Sent(answered, workers.get(10), "negative", "other"),
                new Sent(lease("x1", 11), workers.get(11), "positive", null), // exam gold: one before it
                new Sent(UUID.randomUUID(), workers.get(0), "positive", null),
                new Sent(lease("x0", 2), workers.get(2), "negative", null)); // worker 2's second gold, in another job
        Map<String, Object> sets = run(group, true);
        Map<String, Object> loop = run(group, false);

        @SuppressWarnings("unchecked") List<List<Object>> setOut = (List<List<Object>>) sets.get("outcomes");
        @SuppressWarnings("unchecked") List<List<Object>> loopOut = (List<List<Object>>) loop.get("outcomes");
        assertThat(setOut.stream().map(r -> r.get(1)).toList()).containsExactly("STORED", "STORED", "STORED", "STORED", "STORED",
                "LEASE_EXPIRED", "LEASE_EXPIRED", "BAD_LABEL", "BAD_LABEL", "REPEAT", "ALREADY_ANSWERED", "STORED", "NOT_FOUND", "STORED");
        // One by one, the first answer on i0 sees only itself; in a group it sees both: compare with the final state.
        @SuppressWarnings("unchecked") Map<Long, List<Object>> finalArrays = (Map<Long, List<Object>>) loop.get("arrays");
        for (int i = 0; i < group.size(); i++) {
            List<Object> expected = new ArrayList<>(loopOut.get(i));
            if ("STORED".equals(expected.get(1)) && Boolean.FALSE.equals(expected.get(4))) {
                List<Object> arrays = finalArrays.get((Long) expected.get(3));
                expected.set(15, arrays.get(0));
                expected.set(16, arrays.get(1));
                expected.set(17, arrays.get(2));
            }
            assertThat(setOut.get(i)).as("answer %d", i).isEqualTo(expected);
        }
        assertThat((List<Object>) setOut.get(1).get(15)).as("both answers on i0 (same time: in id order)").containsExactlyInAnyOrder("positive", "negative");
        assertThat(setOut.get(4).get(16)).as("worker 4's gold record after the group, then worker 5's").isEqualTo(List.of(1L, 0L));
        // A gold answer reports its label and the worker's gold record before it (V36): worker 2's second gold in the
        // group sees the first.
        assertThat(setOut.get(2).subList(15, 18)).isEqualTo(List.of(List.of("positive"), List.of(0L), List.of(0L)));
        assertThat(setOut.get(13).subList(15, 18)).isEqualTo(List.of(List.of("negative"), List.of(1L), List.of(1L)));
        assertThat(setOut.get(11).get(14)).as("exam golds answered before").isEqualTo(1L);
        assertThat(setOut.get(3).get(13)).as("gold answered wrongly").isEqualTo(false);
        assertThat(sets.get("state")).isEqualTo(loop.get("state"));
        assertThat(sets.get("stats")).isEqualTo(loop.get("stats"));
    }

    @Test
    void writeGroupsOutsideOneToSixteenAreRefusedByName() {
        assertThat(LeaseStore.checkWriteGroups(1)).isEqualTo(1);
        assertThat(LeaseStore.checkWriteGroups(16)).isEqualTo(16);
        for (int bad : new int[]{0, -1, 17}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> LeaseStore.checkWriteGroups(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("goldfinch.write-groups");
        }
    }

    @Test
    void aGroupWithOneAssignmentTwiceIsAnsweredOneByOne() {
        UUID a = lease("i0", 0);
        List<Sent> group = List.of(
                new Sent(a, workers.get(0), "positive", "k"),
                new Sent(lease("i0", 1), workers.get(1), "negative", null),
                new Sent(a, workers.get(0), "positive", "k"),
                new Sent(a, workers.get(1), "positive", "k")); // not his
        Map<String, Object> sets = run(group, true);
        Map<String, Object> loop = run(group, false);
        @SuppressWarnings("unchecked") List<List<Object>> setOut = (List<List<Object>>) sets.get("outcomes");
        assertThat(setOut.stream().map(r -> r.get(1)).toList()).containsExactly("STORED", "STORED", "REPEAT", "NOT_FOUND");
        assertThat(setOut.get(0).get(15)).as("one by one: the first answer sees itself only").isEqualTo(List.of("positive"));
        assertThat(sets).isEqualTo(loop);
    }

    @Test
    @SuppressWarnings("unchecked")
    void answersToOneItemWaitForEachOtherSoTheLaterSeesTheEarlier() throws Exception {
        UUID first = lease("i0", 0);
        UUID second = lease("i0", 1);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            List<Object> later = db.autocommit(c -> {
                c.setAutoCommit(false);
                answer(c, new Sent(first, workers.get(0), "positive", null));
                Future<List<Object>> waiting = other.submit(() -> db.tx(c2 -> answer(c2, new Sent(second, workers.get(1), "negative", null))));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (db.autocommit(c3 -> Db.scalarLong(c3, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        + "AND query LIKE '%submit_answers%'")) == 0) {
                    assertThat(waiting.isDone()).as("the second answer did not wait for the first").isFalse();
                    assertThat(System.nanoTime()).as("the second answer is waiting for a lock").isLessThan(deadline);
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
                }
                c.commit();
                try {
                    return waiting.get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(later.get(1)).isEqualTo("STORED");
            assertThat((List<Object>) later.get(15)).as("the later answer's item reports both answers").containsExactly("positive", "negative");
        } finally {
            other.shutdownNow();
        }
    }

    private static List<Object> answer(java.sql.Connection c, Sent s) throws SQLException {
        return Db.one(c, rs -> row(rs, 1), "SELECT * FROM submit_answers(?, ?, ?, ?, ?)", c.createArrayOf("uuid", new Object[]{s.assignment()}),
                c.createArrayOf("int8", new Object[]{s.worker()}), c.createArrayOf("text", new Object[]{s.label()}),
                c.createArrayOf("text", new Object[]{s.key()}), c.createArrayOf("timestamptz", new Object[]{Timestamp.from(Instant.now())})).orElseThrow();
    }

    /** One lease of a group: item, worker, gold, limit. */
    private record Claim(String item, int worker, boolean gold, long limit) {
    }

    @Test
    void aGroupOfLeasesGetsWhatOneByOneGives() {
        lease("i1", 4); // a live lease on i1
        lease("i2", 7, "RELEASED", now.plusSeconds(600), null, null); // worker 7 had i2 once
        lease("g1", 9); // gold usage 1
        List<Claim> group = List.of(
                new Claim("i0", 0, false, 2), new Claim("i0", 1, false, 2), new Claim("i0", 2, false, 2), // the third is one too many
                new Claim("i0", 3, true, 3), // not a gold
                new Claim("i1", 3, false, 2), new Claim("i1", 5, false, 2), // one live already: one more fits
                new Claim("i2", 6, false, 5), new Claim("i2", 6, false, 5), // one worker twice: once
                new Claim("i2", 7, false, 5), // had it before
                new Claim("i2", 8, false, 5), // blocked
                new Claim("i3", 0, false, 5), // closed
                new Claim("e0", 0, false, 5), // job not published
                new Claim("g0", 0, true, 3), new Claim("g1", 1, true, 3), new Claim("g0", 2, true, 3)); // budget 3, one used
        Map<String, Object> sets = claim(group, "claim_leases");
        Map<String, Object> loop = claim(group, "claim_leases_one_by_one");
        @SuppressWarnings("unchecked") List<Object> granted = (List<Object>) sets.get("granted");
        assertThat(granted.stream().map(d -> d != null).toList()).containsExactly(true, true, false, false, true, false, true, false,
                false, false, false, false, true, true, false);
        assertThat((String) granted.get(0)).contains("review number 0");
        assertThat(sets).isEqualTo(loop);
    }

    @Test
    void leasesWrittenWithAnswersAreGrantedAsAloneAndTheirCommitStaysDurable() {
        lease("i1", 4); // a live lease on i1
        List<Map<String, Object>> results = new ArrayList<>();
        for (Long[] answered : Arrays.<Long[]>asList(null, new Long[]{items.get("i4"), items.get("i1")})) {
            results.add(db.autocommit(c -> {
                c.setAutoCommit(false);
                try {
                    Db.update(c, "UPDATE job SET status = 'PUBLISHED' WHERE id = ?", jobs.get(0));
                    List<LeaseStore.Claim> claims = new ArrayList<>();
                    int[][] wanted = {{0, 0}, {0, 1}, {0, 2}, {1, 3}, {1, 5}}; // item i<n>, worker: overlap 2 on each
                    for (int[] w : wanted) {
                        claims.add(new LeaseStore.Claim(UUID.randomUUID(), jobs.get(0), items.get("i" + w[0]), workers.get(w[1]), false, 10, 0,
                                now, now.plusSeconds(600), 2));
                    }
                    Map<String, Object> out = new HashMap<>();
                    out.put("granted", LeaseStore.write(c, claims, answered).stream().map(java.util.Optional::isPresent).toList());
                    out.put("sync", Db.one(c, rs -> rs.getString(1), "SELECT current_setting('synchronous_commit')").orElseThrow());
                    return out;
                } finally {
                    c.rollback();
                    c.setAutoCommit(true);
                }
            }));
        }
        assertThat(results.get(0).get("granted")).isEqualTo(List.of(true, true, false, true, false));
        assertThat(results.get(1).get("granted")).isEqualTo(results.get(0).get("granted"));
        assertThat(results.get(0).get("sync")).as("leases alone commit without waiting for the WAL flush").isEqualTo("off");
        assertThat(results.get(1).get("sync")).as("leases written with answers leave the answers' commit durable").isEqualTo("on");
    }

    @Test
    void aGroupWithTwoLimitsForOneItemIsLeasedOneByOne() {
        // One by one: the second finds one lease at its limit 1; the third finds one below its limit 2. Counting the
        // second as a taker, as the set-based path counts leases that pass the checks, would refuse the third.
        List<Claim> group = List.of(new Claim("i0", 0, false, 1), new Claim("i0", 1, false, 1), new Claim("i0", 2, false, 2));
        Map<String, Object> sets = claim(group, "claim_leases");
        assertThat(((List<?>) sets.get("granted")).stream().map(d -> d != null).toList()).containsExactly(true, false, true);
        assertThat(sets).isEqualTo(claim(group, "claim_leases_one_by_one"));
    }

    /** Claims the group with the given function in a transaction that is rolled back; returns what it gave and stored. */
    private Map<String, Object> claim(List<Claim> group, String function) {
        return db.autocommit(c -> {
            c.setAutoCommit(false);
            try {
                Db.update(c, "UPDATE job SET status = 'PUBLISHED' WHERE id = ?", jobs.get(0));
                Db.update(c, "UPDATE item SET closed_at = now() WHERE id = ?", items.get("i3"));
                Db.update(c, "UPDATE app_user SET blocked = true WHERE id = ?", workers.get(8));
                int n = group.size();
                UUID[] ids = new UUID[n];
                Object[] jobIds = new Object[n];
                Object[] itemIds = new Object[n];
                Object[] workerIds = new Object[n];
                Object[] gold = new Object[n];
                Object[] money = new Object[n];
                Object[] limits = new Object[n];
                Timestamp[] leased = new Timestamp[n];
                Timestamp[] expires = new Timestamp[n];
                for (int i = 0; i < n; i++) {
                    Claim x = group.get(i);
                    ids[i] = UUID.nameUUIDFromBytes(("lease-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    jobIds[i] = jobs.get(x.item().startsWith("e") ? 1 : 0);
                    itemIds[i] = items.get(x.item());
                    workerIds[i] = workers.get(x.worker());
                    gold[i] = x.gold();
                    money[i] = 10L;
                    limits[i] = x.limit();
                    leased[i] = Timestamp.from(now);
                    expires[i] = Timestamp.from(now.plusSeconds(600));
                }
                List<Object> granted = new ArrayList<>();
                Db.list(c, rs -> granted.add(rs.getString(2)), "SELECT o_index, o_data FROM " + function + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ORDER BY o_index",
                        c.createArrayOf("uuid", ids), c.createArrayOf("int8", jobIds), c.createArrayOf("int8", itemIds),
                        c.createArrayOf("int8", workerIds), c.createArrayOf("bool", gold), c.createArrayOf("int8", money),
                        c.createArrayOf("int8", money), c.createArrayOf("timestamptz", leased), c.createArrayOf("timestamptz", expires),
                        c.createArrayOf("int8", limits));
                Map<String, Object> out = new HashMap<>();
                out.put("granted", granted);
                Array jobArray = c.createArrayOf("int8", jobs.toArray());
                out.put("state", Db.list(c, rs -> row(rs, 0), "SELECT NULL, id, item_id, worker_id, is_gold, status, leased_at, lease_expires_at "
                        + "FROM assignment WHERE job_id = ANY (?) ORDER BY id", jobArray));
                out.put("usage", Db.list(c, rs -> row(rs, 0), "SELECT NULL, job_id, used FROM job_gold_usage WHERE job_id = ANY (?) ORDER BY job_id",
                        jobArray));
                return out;
            } finally {
                c.rollback();
            }
        });
    }

    /** Runs the group set-based or one by one in a transaction that is rolled back; returns outcomes and state. */
    private Map<String, Object> run(List<Sent> group, boolean setBased) {
        return db.autocommit(c -> {
            c.setAutoCommit(false);
            try {
                Map<String, Object> out = new HashMap<>();
                List<List<Object>> outcomes = new ArrayList<>();
                if (setBased) {
                    int n = group.size();
                    Timestamp[] at = new Timestamp[n];
                    Arrays.fill(at, Timestamp.from(now));
                    Db.list(c, rs -> outcomes.add(row(rs, 1)), "SELECT * FROM submit_answers(?, ?, ?, ?, ?)",
                            c.createArrayOf("uuid", group.stream().map(Sent::assignment).toArray()),
                            c.createArrayOf("int8", group.stream().map(Sent::worker).toArray()),
                            c.createArrayOf("text", group.stream().map(Sent::label).toArray()),
                            c.createArrayOf("text", group.stream().map(Sent::key).toArray()),
                            c.createArrayOf("timestamptz", at));
                } else {
                    for (int i = 0; i < group.size(); i++) {
                        Sent s = group.get(i);
                        int index = i + 1;
                        Db.list(c, rs -> {
                            List<Object> r = row(rs, 0);
                            r.set(0, index);
                            return outcomes.add(r);
                        }, "SELECT NULL, * FROM submit_answer(?, ?, ?, ?, ?)", s.assignment(), s.worker(), s.label(), s.key(), Timestamp.from(now));
                    }
                }
                out.put("outcomes", outcomes);
                Array jobIds = c.createArrayOf("int8", jobs.toArray());
                out.put("state", Db.list(c, rs -> row(rs, 0), "SELECT NULL, id, status, label, submitted_at, idempotency_key, gold_correct "
                        + "FROM assignment WHERE job_id = ANY (?) ORDER BY id", jobIds));
                out.put("stats", Db.list(c, rs -> row(rs, 0), "SELECT NULL, worker_id, gold_answered, gold_correct FROM worker_gold_stats "
                        + "WHERE worker_id = ANY (?) ORDER BY worker_id", c.createArrayOf("int8", workers.toArray())));
                Map<Long, List<Object>> arrays = new HashMap<>();
                Db.list(c, rs -> arrays.put(rs.getLong(1), List.of(list(rs.getArray(2)), list(rs.getArray(3)), list(rs.getArray(4)))),
                        "SELECT a.item_id, array_agg(a.label ORDER BY a.submitted_at, a.id), array_agg(COALESCE(s.gold_answered, 0) ORDER BY a.submitted_at, a.id), "
                                + "array_agg(COALESCE(s.gold_correct, 0) ORDER BY a.submitted_at, a.id) FROM assignment a "
                                + "LEFT JOIN worker_gold_stats s ON s.worker_id = a.worker_id WHERE a.job_id = ANY (?) "
                                + "AND a.status IN ('SUBMITTED','ACCEPTED','REJECTED') GROUP BY a.item_id", jobIds);
                out.put("arrays", arrays);
                return out;
            } finally {
                c.rollback();
            }
        });
    }

    /** Columns from {@code first} on (index, outcome, then submit_answer's 16 others), arrays as lists. */
    private static List<Object> row(ResultSet rs, int first) throws SQLException {
        List<Object> r = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        for (int i = Math.max(first, 1); i <= n; i++) {
            Object v = rs.getObject(i);
            r.add(v instanceof Array a ? list(a) : v);
        }
        return r;
    }

    private static List<Object> list(Array a) throws SQLException {
        return a == null ? null : Arrays.asList((Object[]) a.getArray());
    }
}
