-- Dataset versions list their items in the byte order of their ids (code point order, COLLATE "C"), whatever the
-- database's collation: the SHA-256 stored with a version is computed over that order when it is created, and a download
-- reads the items page by page in the same order through this index. Under a linguistic collation (en_US and the like)
-- the default order differs from it (punctuation and case are weighed differently), and a download would not match its
-- checksum.
CREATE INDEX item_job_external_c ON item (job_id, external_id COLLATE "C");
