-- An item's row is updated after every answer (posterior, confidence, closed_at), and none of those columns is
-- indexed, so the update could be HOT (no new index entries) if the page had room for the new version. Items are
-- inserted in bulk and filled their pages completely: every update went to another page and added an entry to each of
-- the item's three indexes (0 HOT updates of 171,811 in the load benchmark). Leave a quarter of each new page free.
ALTER TABLE item SET (fillfactor = 75);
