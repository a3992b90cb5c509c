-- The worklist KPIs (core/kpis.h, CaseStore::KpiCases) read a region's cases
-- by the time they were received; cases_received (0003) is not per region.
CREATE INDEX cases_region_received ON cases(region_id, received_at);
