-- How many times a region's tree (organisations, locations, units, admission
-- criteria) was imported: RegionStore::TreeVersion. An instance that keeps
-- the tree between requests (service/follow_up_units.h) reads this one
-- number to know whether its copy still holds, on either store and whichever
-- instance or command imported it.
ALTER TABLE regions ADD COLUMN tree_version BIGINT NOT NULL DEFAULT 0;
