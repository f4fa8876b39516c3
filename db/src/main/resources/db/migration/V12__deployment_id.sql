-- A random id for this database. Redis keys carry it, so a recreated database never meets the Redis state of an
-- earlier one (job ids restart at 1), and several databases can share one Redis.
CREATE TABLE deployment (
    id         UUID        PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    singleton  BOOLEAN     NOT NULL DEFAULT TRUE UNIQUE CHECK (singleton)
);
INSERT INTO deployment DEFAULT VALUES;
