-- A job's answered golds, per gold in answer order: what the confidence calibration reads on every refit (every review
-- interval while a job's gold answers grow by a tenth) and the confidence check on every request. Without an index the
-- read scanned the whole assignment table, of every job, joining each gold answer to its item: 162 ms at 187,000
-- assignments, 320-695 ms per refit as the load benchmark's job grew (PostgreSQL's log), using the cores that requests
-- in flight needed (the worst second of a measured phase was the one with a refit). With this index the read is an
-- index-only scan of the job's gold answers in the window's order (no sort, no heap once vacuumed): 7-12 ms for the
-- same 18,500 gold answers. Partial: only answered golds have entries, a tenth of answers, each added by the answer's
-- update (which was never HOT: its status is in other indexes).
CREATE INDEX assignment_gold_answers ON assignment (job_id, item_id, submitted_at, id) INCLUDE (label, worker_id, gold_correct, status)
    WHERE is_gold AND gold_correct IS NOT NULL;
