-- A job's stopping rules, as the what-if replay tries them: the minimum gold accuracy applies after probation_golds
-- golds (5 until now, for every job); a speed limit stops a worker whose median time per task over his last
-- speed_window answers in the job is below min_median_seconds (0: no speed limit).
ALTER TABLE job ADD COLUMN probation_golds integer NOT NULL DEFAULT 5 CHECK (probation_golds BETWEEN 1 AND 1000);
ALTER TABLE job ADD COLUMN min_median_seconds double precision NOT NULL DEFAULT 0 CHECK (min_median_seconds >= 0 AND min_median_seconds <= 3600);
ALTER TABLE job ADD COLUMN speed_window integer NOT NULL DEFAULT 10 CHECK (speed_window BETWEEN 1 AND 1000);

-- Answer times, kept only in jobs with a speed limit (written with each answer there, and for the answers before
-- when a limit is switched on), read at each claim in such a job. An index on assignment serving the same read
-- would cost every answer in every job one more index entry: measured, 14% fewer answers per second under load.
CREATE TABLE worker_job_pace (
    assignment_id uuid PRIMARY KEY,
    job_id bigint NOT NULL REFERENCES job (id),
    worker_id bigint NOT NULL,
    answered_at timestamptz NOT NULL,
    seconds double precision NOT NULL CHECK (seconds >= 0)
);
CREATE INDEX worker_job_pace_recent ON worker_job_pace (job_id, worker_id, answered_at DESC);
