-- A job may have a deadline. At it the job stops leasing tasks and ends (EXPIRED): tasks already leased may still be
-- answered and are reviewed and paid as usual, the escrow they cannot need returns at once and the rest when they
-- are settled, as for a cancellation. The system makes that change, so a change may have no actor.
ALTER TABLE job ADD COLUMN deadline timestamptz;
ALTER TABLE job DROP CONSTRAINT job_status_check;
ALTER TABLE job ADD CONSTRAINT job_status_check CHECK (status IN ('DRAFT', 'PUBLISHED', 'PAUSED', 'COMPLETED', 'CANCELLED', 'EXPIRED'));
CREATE INDEX job_deadline_due ON job (deadline) WHERE status IN ('PUBLISHED', 'PAUSED') AND deadline IS NOT NULL;

ALTER TABLE job_change ALTER COLUMN actor_id DROP NOT NULL;
ALTER TABLE job_change DROP CONSTRAINT job_change_action_check;
ALTER TABLE job_change ADD CONSTRAINT job_change_action_check CHECK (action IN ('PAUSE', 'RESUME', 'CANCEL', 'SETTINGS', 'EXPIRE'));
