-- A worker gets an item at most once, ever: claim_lease (V11) already refuses an item the worker has held in any
-- status, skipped and expired ones included. Say so with one unique index over all statuses, in place of a unique
-- index over live statuses plus a plain one over all. Every lease and every answer writes one index entry fewer.
DROP INDEX assignment_item_worker_all;
DROP INDEX assignment_worker_item_once;
CREATE UNIQUE INDEX assignment_worker_item_once ON assignment (item_id, worker_id);
