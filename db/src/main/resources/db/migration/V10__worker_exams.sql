-- Exams: a job may ask each worker to answer its first exam_size tasks from its golds, with feedback and hints,
-- and opens its normal items to them only if they got at least exam_pass_share of those right.
ALTER TABLE job ADD COLUMN exam_size INT NOT NULL DEFAULT 0 CHECK (exam_size BETWEEN 0 AND 50);
ALTER TABLE job ADD COLUMN exam_pass_share DOUBLE PRECISION NOT NULL DEFAULT 0.8 CHECK (exam_pass_share > 0 AND exam_pass_share <= 1);
-- A hint shown after an exam answer; never part of the item's data, so hidden golds carry nothing extra.
ALTER TABLE item ADD COLUMN gold_hint TEXT CHECK (gold_hint IS NULL OR is_gold);
-- How many workers' exams the escrow pays for (exam answers are paid like any task, from the gold budget).
ALTER TABLE job ADD COLUMN exam_seats INT NOT NULL DEFAULT 20 CHECK (exam_seats BETWEEN 1 AND 100000);
