-- The review sweep (every 30 s) looked for answers whose review window had passed with
-- "submitted_at + the job's window <= now", which no index can answer: it walked every answer awaiting review, each
-- time (200 ms at 300,000 of them, and a 24-hour window at 2,000 answers/s keeps 170 million waiting). It now asks
-- job by job for "submitted_at <= now - that job's window", a range of this index.
CREATE INDEX assignment_review_due_per_job ON assignment (job_id, submitted_at) WHERE status = 'SUBMITTED';
DROP INDEX assignment_review_due;
