-- What a right label is worth to the requester, in minor units (NULL: not said). Where set, an item stops taking
-- answers, after its minimum, once no number of further answers is expected to add more accuracy than they cost
-- (the value rule of dynamic overlap, io.goldfinch.matching.AnswerValue); the confidence target still applies.
ALTER TABLE job ADD COLUMN label_value_minor bigint CHECK (label_value_minor BETWEEN 1 AND 100000000000);
