-- Fair pay: an optional per-job hourly floor. Accepted work is topped up from escrow when the job's measured
-- effective hourly rate (reward / median time per task) is below it. A job whose escrow cannot cover what it has
-- committed is PAUSED (no new leases) until its requester tops it up.
ALTER TABLE job ADD COLUMN hourly_floor_minor BIGINT CHECK (hourly_floor_minor > 0);
ALTER TABLE job DROP CONSTRAINT job_status_check;
ALTER TABLE job ADD CONSTRAINT job_status_check CHECK (status IN ('DRAFT', 'PUBLISHED', 'PAUSED', 'COMPLETED', 'CANCELLED'));
