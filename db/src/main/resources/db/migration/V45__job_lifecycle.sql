-- A requester (or a quality manager) stops and restarts a job, or cancels it. A job paused by its owner stays paused
-- when its escrow is topped up, where a job paused because its escrow ran short resumes; so the pause records why.
-- Cancelling stops leases at once; tasks already leased may still be submitted and are reviewed and paid as usual,
-- and the escrow they no longer need goes back to the requester at once, the rest once they are settled.
ALTER TABLE job ADD COLUMN pause_reason text CHECK (pause_reason IN ('FUNDS', 'OWNER')),
                ADD COLUMN cancelled_at timestamptz,
                ADD COLUMN escrow_settled_at timestamptz;
UPDATE job SET pause_reason = 'FUNDS' WHERE status = 'PAUSED';

-- Who changed a job, when and how: pauses, resumptions, cancellations and settings changes, append-only.
CREATE TABLE job_change (
    id          bigserial   PRIMARY KEY,
    job_id      bigint      NOT NULL REFERENCES job (id),
    actor_id    bigint      NOT NULL REFERENCES app_user (id),
    changed_at  timestamptz NOT NULL,
    action      text        NOT NULL CHECK (action IN ('PAUSE', 'RESUME', 'CANCEL', 'SETTINGS')),
    changes     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    note        text
);
CREATE INDEX job_change_job ON job_change (job_id, id);

CREATE FUNCTION job_change_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'job changes are append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER job_change_immutable BEFORE UPDATE OR DELETE ON job_change
    FOR EACH ROW EXECUTE FUNCTION job_change_forbid_change();
CREATE TRIGGER job_change_no_truncate BEFORE TRUNCATE ON job_change
    FOR EACH STATEMENT EXECUTE FUNCTION job_change_forbid_change();
