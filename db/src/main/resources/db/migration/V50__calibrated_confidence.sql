-- Calibrated online confidence (io.goldfinch.quality.PosteriorTemperature): the online one-coin posterior that dynamic
-- overlap compares with the confidence target is tempered, q ∝ p^beta, by an inverse temperature fitted on the job's
-- golds replayed as normal items, so that items closed "at 0.95" are right about 95% of the time. calibrate_confidence
-- switches it off for a job (posteriors then used as computed); posterior_beta is the latest fit (NULL: not fitted yet,
-- fewer than 20 golds answered), fitted on posterior_beta_answers gold answers at posterior_beta_at.
ALTER TABLE job ADD COLUMN calibrate_confidence boolean NOT NULL DEFAULT true,
                ADD COLUMN posterior_beta double precision CHECK (posterior_beta > 0),
                ADD COLUMN posterior_beta_answers bigint,
                ADD COLUMN posterior_beta_at timestamptz;
