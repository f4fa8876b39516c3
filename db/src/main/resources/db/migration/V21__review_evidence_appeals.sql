-- Evidence-bound rejections, appeals, and the cap on how much one requester can hurt one worker's record.
ALTER TABLE assignment ADD COLUMN review_evidence JSONB;

-- A rejection beyond the requester's share for this worker waits here for a quality manager instead of taking effect.
CREATE TABLE rejection_request (
    id            UUID        PRIMARY KEY,
    assignment_id UUID        NOT NULL UNIQUE REFERENCES assignment (id),
    requester_id  BIGINT      NOT NULL REFERENCES app_user (id),
    reason        TEXT        NOT NULL,
    evidence      JSONB       NOT NULL,
    status        TEXT        NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'DENIED')),
    created_at    TIMESTAMPTZ NOT NULL,
    decided_at    TIMESTAMPTZ,
    decided_by    BIGINT REFERENCES app_user (id)
);
CREATE INDEX rejection_request_pending ON rejection_request (status) WHERE status = 'PENDING';

CREATE TABLE appeal (
    id            UUID        PRIMARY KEY,
    assignment_id UUID        NOT NULL UNIQUE REFERENCES assignment (id),
    worker_id     BIGINT      NOT NULL REFERENCES app_user (id),
    message       TEXT        NOT NULL,
    status        TEXT        NOT NULL CHECK (status IN ('PENDING', 'UPHELD', 'REVERSED')),
    created_at    TIMESTAMPTZ NOT NULL,
    decided_at    TIMESTAMPTZ,
    decided_by    BIGINT REFERENCES app_user (id),
    note          TEXT
);
CREATE INDEX appeal_pending ON appeal (status) WHERE status = 'PENDING';
