-- Stripe: checkout sessions for requester top-ups, webhook events applied once, Connect accounts and payouts.
CREATE TABLE stripe_event (
    id          TEXT        PRIMARY KEY,          -- Stripe's event id: each event is applied once
    type        TEXT        NOT NULL,
    created     BIGINT      NOT NULL,
    received_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE checkout (
    id                UUID        PRIMARY KEY,      -- ours, persisted before Stripe is called, sent as metadata
    requester_id      BIGINT      NOT NULL REFERENCES app_user (id),
    amount_minor      BIGINT      NOT NULL CHECK (amount_minor > 0),
    currency          TEXT        NOT NULL,
    stripe_session_id TEXT UNIQUE,
    status            TEXT        NOT NULL CHECK (status IN ('CREATED', 'OPEN', 'PAID')),
    created_at        TIMESTAMPTZ NOT NULL,
    paid_at           TIMESTAMPTZ
);
CREATE INDEX checkout_requester ON checkout (requester_id);

CREATE TABLE payout_account (
    worker_id          BIGINT      PRIMARY KEY REFERENCES app_user (id),
    stripe_account_id  TEXT        NOT NULL UNIQUE,
    payouts_enabled    BOOLEAN     NOT NULL DEFAULT FALSE,
    last_event_created BIGINT      NOT NULL DEFAULT 0,  -- account.updated events apply only if newer: any order converges
    created_at         TIMESTAMPTZ NOT NULL
);

CREATE TABLE payout (
    id                 UUID        PRIMARY KEY,
    worker_id          BIGINT      NOT NULL REFERENCES app_user (id),
    amount_minor       BIGINT      NOT NULL CHECK (amount_minor > 0),
    currency           TEXT        NOT NULL,
    channel            TEXT        NOT NULL CHECK (channel IN ('STRIPE', 'OFFLINE')),
    status             TEXT        NOT NULL CHECK (status IN ('PENDING', 'SUBMITTED', 'PAID', 'FAILED', 'UNKNOWN', 'OFFLINE')),
    idempotency_key    TEXT        NOT NULL UNIQUE,  -- persisted before the first call; reused on every retry
    destination        TEXT,
    stripe_transfer_id TEXT UNIQUE,
    attempts           INT         NOT NULL DEFAULT 0,
    last_error         TEXT,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX payout_worker ON payout (worker_id);
CREATE INDEX payout_open ON payout (status) WHERE status IN ('PENDING', 'SUBMITTED', 'UNKNOWN');
