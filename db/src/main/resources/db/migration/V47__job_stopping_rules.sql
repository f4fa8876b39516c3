-- A job's stopping rules, as the what-if replay tries them: the minimum gold accuracy applies after probation_golds
-- golds (5 until now, for every job); a speed limit stops a worker whose median time per task over his last
-- speed_window answers in the job is below min_median_seconds (0: no speed limit).
ALTER TABLE job ADD COLUMN probation_golds integer NOT NULL DEFAULT 5 CHECK (probation_golds BETWEEN 1 AND 1000);
ALTER TABLE job ADD COLUMN min_median_seconds double precision NOT NULL DEFAULT 0 CHECK (min_median_seconds >= 0 AND min_median_seconds <= 3600);
ALTER TABLE job ADD COLUMN speed_window integer NOT NULL DEFAULT 10 CHECK (speed_window BETWEEN 1 AND 1000);

-- A worker's latest answers in a job, read at each claim where the job has a speed limit.
CREATE INDEX assignment_worker_job_submitted ON assignment (worker_id, job_id, submitted_at DESC) WHERE submitted_at IS NOT NULL;
