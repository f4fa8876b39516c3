package io.goldfinch.quality;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.goldfinch.aggregation.LabelAggregation;
import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a quality rule would have done to a job had it been on from the start ({@link RuleReplay}): the workers it
 * would have stopped, the answers it would not have bought and their cost, and how the job's labels would differ
 * (both fitted with the job's aggregation, golds clamped). Reads only; changes nothing.
 */
@Singleton
public class WhatIfService {

    @Serdeable
    public record StoppedWorker(long worker, String reason, String stoppedAt, int goldAnswered, int goldCorrect, double goldAccuracy,
                                double medianSeconds, int answersRemoved) {
    }

    @Serdeable
    public record ChangedLabel(String item, String before, @Nullable String after) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Report(long jobId, double minAccuracy, int probationGolds, double minMedianSeconds, int speedWindow, int answers,
                         int answersRemoved, int goldAnswersRemoved, long costSavedMinor, List<StoppedWorker> stopped, int itemsCompared,
                         int labelsChanged, int itemsLeftWithoutAnswers, List<ChangedLabel> examples) {
    }

    /** Changed items listed in a report, at most. */
    static final int EXAMPLES = 20;

    private final Db db;

    public WhatIfService(Db db) {
        this.db = db;
    }

    /** The job's own stopping-rule settings, the defaults of a rule to try. */
    public record JobRules(int probationGolds, int speedWindow) {
    }

    public Report replay(@Nullable Long requesterId, long jobId, java.util.function.Function<JobRules, RuleReplay.Rule> ruleFor) {
        record Row(String item, String worker, String label, java.time.Instant at) {
        }
        record Loaded(List<String> labels, String method, RuleReplay.Rule rule, Map<String, String> gold, List<Row> rows, List<RuleReplay.Answer> answers) {
        }
        Loaded loaded = db.tx(c -> {
            record JobInfo(List<String> labels, String method, JobRules rules) {
            }
            JobInfo job = Db.one(c, rs -> new JobInfo(Arrays.asList((String[]) rs.getArray(1).getArray()), rs.getString(2), new JobRules(rs.getInt(3), rs.getInt(4))),
                            "SELECT labels, aggregation_method, probation_golds, speed_window FROM job WHERE id = ? AND (?::bigint IS NULL OR requester_id = ?)",
                            jobId, requesterId, requesterId)
                    .orElseThrow(() -> ApiException.notFound("job"));
            RuleReplay.Rule rule = ruleFor.apply(job.rules()); // a rule refused (422) before any answer is read
            List<Row> rows = new ArrayList<>();
            List<RuleReplay.Answer> answers = Db.list(c, rs -> {
                        rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(8).toInstant()));
                        return new RuleReplay.Answer(rs.getLong(2), rs.getBoolean(4), rs.getBoolean(5), rs.getDouble(6), rs.getLong(7));
                    },
                    "SELECT i.external_id, a.worker_id, a.label, a.is_gold, COALESCE(a.gold_correct, false), "
                            + "GREATEST(0, extract(epoch FROM a.submitted_at - a.leased_at))::float8, a.reward_minor + a.fee_minor, a.submitted_at "
                            + "FROM assignment a JOIN item i ON i.id = a.item_id "
                            + "WHERE a.job_id = ? AND a.status IN ('SUBMITTED','ACCEPTED') AND (NOT a.is_gold OR a.gold_correct IS NOT NULL) "
                            + "ORDER BY a.submitted_at, a.id", jobId); // a voided gold's answers count for nothing
            Map<String, String> gold = new HashMap<>();
            Db.list(c, rs -> gold.put(rs.getString(1), rs.getString(2)), "SELECT external_id, gold_label FROM item WHERE job_id = ? AND is_gold", jobId);
            return new Loaded(job.labels(), job.method(), rule, gold, rows, answers);
        });
        RuleReplay.Rule rule = loaded.rule();
        RuleReplay.Outcome outcome = RuleReplay.replay(loaded.answers(), rule);

        List<StoppedWorker> stopped = new ArrayList<>();
        for (RuleReplay.Stop s : outcome.stops()) {
            stopped.add(new StoppedWorker(s.worker(), s.reason(), loaded.rows().get(s.afterAnswer()).at().toString(), s.goldAnswered(),
                    s.goldCorrect(), s.goldAccuracy(), s.medianSeconds(), s.answersRemoved()));
        }
        // The labels with every answer, and with only the answers the rule would have bought.
        List<LabelAggregation.Answer> all = new ArrayList<>();
        List<LabelAggregation.Answer> kept = new ArrayList<>();
        for (int i = 0; i < loaded.rows().size(); i++) {
            Row r = loaded.rows().get(i);
            LabelAggregation.Answer a = new LabelAggregation.Answer(r.item(), r.worker(), r.label(), i);
            all.add(a);
            if (outcome.kept()[i]) {
                kept.add(a);
            }
        }
        Map<String, String> before = labels(all, loaded.gold(), loaded.labels(), loaded.method());
        Map<String, String> after = labels(kept, loaded.gold(), loaded.labels(), loaded.method());
        int changed = 0;
        int lost = 0;
        List<ChangedLabel> examples = new ArrayList<>();
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(before).entrySet()) {
            String now = after.get(e.getKey());
            if (now == null) {
                lost++;
            } else if (!now.equals(e.getValue())) {
                changed++;
            }
            if ((now == null || !now.equals(e.getValue())) && examples.size() < EXAMPLES) {
                examples.add(new ChangedLabel(e.getKey(), e.getValue(), now));
            }
        }
        return new Report(jobId, rule.minAccuracy(), rule.probationGolds(), rule.minMedianSeconds(), rule.speedWindow(), loaded.answers().size(),
                outcome.removed(), outcome.removedGold(), outcome.costSavedMinor(), stopped, before.size(), changed, lost, examples);
    }

    /** Non-gold item to label; empty when there are no answers. */
    private static Map<String, String> labels(List<LabelAggregation.Answer> answers, Map<String, String> gold, List<String> labels, String method) {
        Map<String, String> out = new HashMap<>();
        if (answers.isEmpty()) {
            return out;
        }
        for (LabelAggregation.ItemLabel i : LabelAggregation.aggregate(answers, gold, labels, method).items()) {
            if (!gold.containsKey(i.item())) {
                out.put(i.item(), i.label());
            }
        }
        return out;
    }
}
