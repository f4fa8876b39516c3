package io.goldfinch.matching;

import io.goldfinch.common.Db;
import io.goldfinch.common.GroupCall;
import io.goldfinch.quality.GoldHealth;
import io.goldfinch.quality.OneCoinPosterior;
import io.goldfinch.quality.PosteriorTemperature;
import io.goldfinch.quality.WorkerAccuracy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Stores answers through submit_answer (V13): validation, the stored answer and the gold record in one database call,
 * with group execution (submit_answers, V27): the answers that arrive while a group commits go together in the next
 * one. In the same transaction, each answered item's online posterior (one-coin, each worker's accuracy from their
 * gold record; O(answers on the item x K)) and its dynamic-overlap decision are computed and stored, so an answer and
 * the posterior it leads to commit together. A caller returns once its answer is committed, as with a call of its own.
 */
@Singleton
public final class AnswerStore {

    /**
     * One answer to store; with {@code next}, the lease of the worker's next task, written in the same transaction when
     * the answer is stored or repeated and is not a gold's (a gold answer changes the worker's gold record, which the
     * choice of his next task reads), else not written.
     */
    public record Answer(UUID assignmentId, long workerId, String label, String idempotencyKey, Instant now, LeaseStore.Claim next) {
        public Answer(UUID assignmentId, long workerId, String label, String idempotencyKey, Instant now) {
            this(assignmentId, workerId, label, idempotencyKey, now, null);
        }
    }

    /** What submit_answer reports (see V13__submit_function.sql). */
    public record Outcome(String outcome, long jobId, long itemId, boolean gold, List<String> labels, int overlapMin, int overlapMax,
                          double target, Double uncertainty, int examSize, String goldLabel, String hint, Boolean correct,
                          Long examBefore, String[] answerLabels, Long[] goldAnswered, Long[] goldCorrect) {
    }

    /** An item's dynamic-overlap decision after an answer: the posterior stored, the cap and serving score for Redis. */
    public record Decision(PosteriorWriter.Posterior posterior, boolean close, int cap, double score) {
    }

    /**
     * What the caller gets: the outcome; for a stored non-gold answer the item's decision (else null); the next task's
     * item data when its lease was written (else null: not asked for, not written, or refused).
     */
    public record Stored(Outcome outcome, Decision decision, String next) {
    }

    private final Db db;
    private final GroupCall<Answer, Stored> calls;
    private final JobTuning jobTuning;

    public AnswerStore(Db db, JobTuning jobTuning, @Value("${goldfinch.write-groups:1}") int groups, MeterRegistry metrics) {
        this.db = db;
        this.jobTuning = jobTuning;
        // Groups lock items in item order and gold records in worker order, so that groups running at once
        // (goldfinch.write-groups above 1, see LeaseStore) never wait on each other in a cycle.
        this.calls = new GroupCall<>("answer-writer", 256, LeaseStore.checkWriteGroups(groups), this::group, this::one, metrics);
    }

    public Stored submit(Answer answer) {
        return calls.call(answer);
    }

    private Stored one(Answer a) {
        Map<Long, JobTuning.Tuning> tuned = jobTuning.current();
        return db.tx(c -> {
            Outcome o = Db.one(c, rs -> outcome(rs, 1), "SELECT * FROM submit_answer(?, ?, ?, ?, ?)", a.assignmentId(),
                    a.workerId(), a.label(), a.idempotencyKey(), Timestamp.from(a.now())).orElseThrow();
            Decision d = decide(o, a.now(), tuned.getOrDefault(o.jobId(), JobTuning.NONE), jobTuning);
            String next = null;
            if (leases(o, a)) {
                next = LeaseStore.write(c, List.of(a.next()), "STORED".equals(o.outcome()) ? new Long[]{o.itemId()} : new Long[0]).get(0).orElse(null);
            }
            if (d != null) {
                PosteriorWriter.store(c, List.of(d.posterior()));
            }
            PosteriorWriter.GoldEvidence g = goldEvidence(o);
            if (g != null) {
                PosteriorWriter.storeGolds(c, List.of(g));
            }
            return new Stored(o, d, next);
        });
    }

    private List<Stored> group(List<Answer> answers) {
        int n = answers.size();
        UUID[] ids = new UUID[n];
        Long[] workers = new Long[n];
        String[] labels = new String[n];
        String[] keys = new String[n];
        Timestamp[] now = new Timestamp[n];
        // Sorted by worker, so that concurrent groups update workers' gold records in the same order (items are
        // locked first, in item order, by submit_answers).
        List<Answer> sorted = new ArrayList<>(answers);
        sorted.sort(java.util.Comparator.comparingLong(Answer::workerId));
        for (int i = 0; i < n; i++) {
            Answer a = sorted.get(i);
            ids[i] = a.assignmentId();
            workers[i] = a.workerId();
            labels[i] = a.label();
            keys[i] = a.idempotencyKey();
            now[i] = Timestamp.from(a.now());
        }
        Map<Long, JobTuning.Tuning> tuned = jobTuning.current();
        return db.tx(c -> {
            List<Outcome> outcomes = new ArrayList<>(Collections.nCopies(n, null));
            Db.list(c, rs -> outcomes.set(rs.getInt(1) - 1, outcome(rs, 2)), "SELECT * FROM submit_answers(?, ?, ?, ?, ?)",
                    c.createArrayOf("uuid", ids), c.createArrayOf("int8", workers), c.createArrayOf("text", labels),
                    c.createArrayOf("text", keys), c.createArrayOf("timestamptz", now));
            if (outcomes.contains(null)) {
                throw new IllegalStateException("submit_answers returned no outcome for some answers");
            }
            // The leases asked for with these answers, before the posteriors: their items' rows and the answered items'
            // are locked in one pass (V52), which the posteriors and gold evidence below then update.
            List<LeaseStore.Claim> claims = new ArrayList<>();
            List<Integer> claimOf = new ArrayList<>();
            java.util.TreeSet<Long> answered = new java.util.TreeSet<>();
            for (int i = 0; i < n; i++) {
                if ("STORED".equals(outcomes.get(i).outcome())) {
                    answered.add(outcomes.get(i).itemId());
                }
                if (leases(outcomes.get(i), sorted.get(i))) {
                    claims.add(sorted.get(i).next());
                    claimOf.add(i);
                }
            }
            String[] next = new String[n];
            if (!claims.isEmpty()) {
                List<java.util.Optional<String>> granted = LeaseStore.write(c, claims, answered.toArray(new Long[0]));
                for (int k = 0; k < claims.size(); k++) {
                    next[claimOf.get(k)] = granted.get(k).orElse(null);
                }
            }
            java.util.Map<Answer, Stored> byAnswer = new java.util.IdentityHashMap<>();
            List<PosteriorWriter.Posterior> posteriors = new ArrayList<>();
            List<PosteriorWriter.GoldEvidence> golds = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Decision d = decide(outcomes.get(i), sorted.get(i).now(), tuned.getOrDefault(outcomes.get(i).jobId(), JobTuning.NONE), jobTuning);
                if (d != null) {
                    posteriors.add(d.posterior());
                }
                PosteriorWriter.GoldEvidence g = goldEvidence(outcomes.get(i));
                if (g != null) {
                    golds.add(g);
                }
                byAnswer.put(sorted.get(i), new Stored(outcomes.get(i), d, next[i]));
            }
            List<Stored> results = answers.stream().map(byAnswer::get).toList();
            if (!posteriors.isEmpty()) {
                PosteriorWriter.store(c, posteriors); // item rows in item order, after the items' answer locks (V33)
            }
            if (!golds.isEmpty()) {
                PosteriorWriter.storeGolds(c, golds); // then the golds' rows, in item order
            }
            return results;
        });
    }

    /** Whether the lease asked for with {@code a} is written: the answer was stored or repeated, and is not a gold's. */
    private static boolean leases(Outcome o, Answer a) {
        return a.next() != null && leaseAsked(o);
    }

    /** Whether a lease asked for with an answer of this outcome is asked of Postgres (else it is not written at all). */
    static boolean leaseAsked(Outcome o) {
        return !o.gold() && ("STORED".equals(o.outcome()) || "REPEAT".equals(o.outcome()));
    }

    /**
     * The item's posterior from all its answers and the dynamic-overlap decision; null unless a non-gold answer was
     * stored. With a price in the job's {@code tuning} (it sets a label value), the next answer is expected from a worker
     * of the job's crowd ({@link CrowdAccuracy}); the newest answer, last in the outcome's answers, counts in that crowd.
     */
    static Decision decide(Outcome o, Instant now, JobTuning.Tuning tuning, JobTuning jobTuning) {
        if (!"STORED".equals(o.outcome()) || o.gold()) {
            return null;
        }
        return decide(o, now, tuning, tuning.price() == null || o.answerLabels().length == 0 ? null : jobTuning.crowd(o.jobId()), true);
    }

    /**
     * The decision on the item's answers in {@code o} (all of them, newest last), each worker's accuracy tempered by
     * the job's calibration ({@link PosteriorTemperature#accuracy}); with a price, the next worker is expected from
     * {@code crowd}, in which the newest answer is first counted when {@code newest} is set.
     */
    static Decision decide(Outcome o, Instant now, JobTuning.Tuning tuning, CrowdAccuracy crowd, boolean newest) {
        List<String> labels = o.labels();
        OverlapPolicy.Price price = tuning.price();
        int[] idx = new int[o.answerLabels().length];
        double[] acc = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = labels.indexOf(o.answerLabels()[i]);
            acc[i] = PosteriorTemperature.accuracy(WorkerAccuracy.estimate(o.goldCorrect()[i], o.goldAnswered()[i]), labels.size(), tuning.beta());
        }
        double[] posterior = OneCoinPosterior.posterior(labels.size(), idx, acc, null);
        int best = OneCoinPosterior.argmax(posterior);
        double next = 0;
        if (price != null && crowd != null) {
            if (newest) {
                crowd.record(acc[acc.length - 1]);
            }
            next = crowd.expected(Arrays.stream(acc).average().orElse(0));
        }
        OverlapPolicy.Decision decision = OverlapPolicy.decide(idx.length, o.overlapMin(), o.overlapMax(), posterior, next, o.target(), price);
        return new Decision(new PosteriorWriter.Posterior(o.itemId(), labels.get(best), posterior[best], idx.length, decision.close(), now),
                decision.close(), decision.cap(), OverlapPolicy.score(idx.length, o.overlapMin(), posterior[best], o.uncertainty()));
    }

    /**
     * A stored gold answer's part in the crowd's view of the gold ({@link GoldHealth}): its label, weighed by the
     * worker's gold record before it (which submit_answer reports for gold answers, V36); null for anything else.
     */
    static PosteriorWriter.GoldEvidence goldEvidence(Outcome o) {
        if (!"STORED".equals(o.outcome()) || !o.gold() || o.answerLabels().length != 1 || o.labels().size() < 2) {
            return null;
        }
        int label = o.labels().indexOf(o.answerLabels()[0]);
        double accuracy = WorkerAccuracy.estimate(o.goldCorrect()[0], o.goldAnswered()[0]);
        return new PosteriorWriter.GoldEvidence(o.itemId(), GoldHealth.answerEvidence(o.labels().size(), label, accuracy));
    }

    /** Maps the 17 columns of submit_answer starting at column {@code f}. */
    private static Outcome outcome(ResultSet rs, int f) throws SQLException {
        return new Outcome(rs.getString(f), rs.getLong(f + 1), rs.getLong(f + 2), rs.getBoolean(f + 3),
                rs.getArray(f + 4) == null ? List.of() : Arrays.asList((String[]) rs.getArray(f + 4).getArray()), rs.getInt(f + 5),
                rs.getInt(f + 6), rs.getDouble(f + 7), (Double) rs.getObject(f + 8), rs.getInt(f + 9), rs.getString(f + 10),
                rs.getString(f + 11), (Boolean) rs.getObject(f + 12), (Long) rs.getObject(f + 13),
                rs.getArray(f + 14) == null ? new String[0] : (String[]) rs.getArray(f + 14).getArray(),
                rs.getArray(f + 15) == null ? new Long[0] : (Long[]) rs.getArray(f + 15).getArray(),
                rs.getArray(f + 16) == null ? new Long[0] : (Long[]) rs.getArray(f + 16).getArray());
    }

    @PreDestroy
    void close() {
        calls.close();
    }
}
