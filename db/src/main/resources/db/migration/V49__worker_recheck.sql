-- Which workers' items have been re-decided in a job after the job's accuracy rule stopped them, and at which size of
-- their gold record: a worker is judged again only once his record has grown since (io.goldfinch.matching.WorkRecheck).
CREATE TABLE worker_recheck (
    job_id bigint NOT NULL REFERENCES job (id),
    worker_id bigint NOT NULL,
    gold_answered bigint NOT NULL,
    rechecked_at timestamptz NOT NULL,
    PRIMARY KEY (job_id, worker_id)
);
