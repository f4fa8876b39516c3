-- Signed webhooks to requesters. An event is written once, with the exact body that is sent (and signed) on every
-- attempt and replay; a delivery is one event to one endpoint, retried with backoff until it succeeds or runs out of
-- attempts. The event id goes out as Goldfinch-Event-Id, so receivers can ignore a repeat.
CREATE TABLE webhook_endpoint (
    id           bigserial PRIMARY KEY,
    requester_id bigint      NOT NULL REFERENCES app_user (id),
    url          text        NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
    secret       text        NOT NULL,
    events       text[]      NOT NULL,
    active       boolean     NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL
);
CREATE INDEX webhook_endpoint_requester ON webhook_endpoint (requester_id) WHERE active;

CREATE TABLE webhook_event (
    id           bigserial PRIMARY KEY,
    requester_id bigint      NOT NULL REFERENCES app_user (id),
    job_id       bigint REFERENCES job (id),
    type         text        NOT NULL,
    body         text        NOT NULL,
    created_at   timestamptz NOT NULL
);

CREATE TABLE webhook_delivery (
    id              bigserial PRIMARY KEY,
    event_id        bigint      NOT NULL REFERENCES webhook_event (id),
    endpoint_id     bigint      NOT NULL REFERENCES webhook_endpoint (id),
    status          text        NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
    attempts        int         NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz,
    last_status     int,
    last_error      text,
    delivered_at    timestamptz,
    UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX webhook_delivery_endpoint ON webhook_delivery (endpoint_id, id);

-- Per job, what has been announced: the last progress step (tenths done), items closed up to a (closed_at, id)
-- cursor, the status last seen (for job.paused / job.resumed), and whether job.completed went out.
CREATE TABLE webhook_job_state (
    job_id          bigint PRIMARY KEY REFERENCES job (id),
    last_status     text,
    progress_step   int         NOT NULL DEFAULT 0,
    items_closed_at timestamptz,
    items_after_id  bigint      NOT NULL DEFAULT 0,
    completed_sent  boolean     NOT NULL DEFAULT false
);
