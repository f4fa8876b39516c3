package io.goldfinch.matching;

import io.goldfinch.common.Db;
import io.goldfinch.common.GroupCall;
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
import java.util.UUID;

/**
 * Stores answers through submit_answer (V13): validation, the stored answer and the gold record in one database call,
 * with group execution (submit_answers, V27): the answers that arrive while a group commits go together in the next
 * one. A caller returns once its answer is committed, as with a call of its own.
 */
@Singleton
public final class AnswerStore {

    /** One answer to store. */
    public record Answer(UUID assignmentId, long workerId, String label, String idempotencyKey, Instant now) {
    }

    /** What submit_answer reports (see V13__submit_function.sql). */
    public record Outcome(String outcome, long jobId, long itemId, boolean gold, List<String> labels, int overlapMin, int overlapMax,
                          double target, Double uncertainty, int examSize, String goldLabel, String hint, Boolean correct,
                          Long examBefore, String[] answerLabels, Long[] goldAnswered, Long[] goldCorrect) {
    }

    private final Db db;
    private final GroupCall<Answer, Outcome> calls;

    public AnswerStore(Db db) {
        this.db = db;
        this.calls = new GroupCall<>("answer-writer", 256, this::group, this::one);
    }

    public Outcome submit(Answer answer) {
        return calls.call(answer);
    }

    private Outcome one(Answer a) {
        return db.autocommit(c -> Db.one(c, rs -> outcome(rs, 1), "SELECT * FROM submit_answer(?, ?, ?, ?, ?)", a.assignmentId(),
                a.workerId(), a.label(), a.idempotencyKey(), Timestamp.from(a.now())).orElseThrow());
    }

    private List<Outcome> group(List<Answer> answers) {
        int n = answers.size();
        UUID[] ids = new UUID[n];
        Long[] workers = new Long[n];
        String[] labels = new String[n];
        String[] keys = new String[n];
        Timestamp[] now = new Timestamp[n];
        for (int i = 0; i < n; i++) {
            Answer a = answers.get(i);
            ids[i] = a.assignmentId();
            workers[i] = a.workerId();
            labels[i] = a.label();
            keys[i] = a.idempotencyKey();
            now[i] = Timestamp.from(a.now());
        }
        List<Outcome> results = new ArrayList<>(Collections.nCopies(n, null));
        db.autocommit(c -> Db.list(c, rs -> results.set(rs.getInt(1) - 1, outcome(rs, 2)), "SELECT * FROM submit_answers(?, ?, ?, ?, ?)",
                c.createArrayOf("uuid", ids), c.createArrayOf("int8", workers), c.createArrayOf("text", labels),
                c.createArrayOf("text", keys), c.createArrayOf("timestamptz", now)));
        if (results.contains(null)) {
            throw new IllegalStateException("submit_answers returned no outcome for some answers");
        }
        return results;
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
