-- Which months of a year each member has paid is counted in SQL (DuesRepo.covered_months,
-- the desk's overview and /dues): the payments overlapping the year are found by their
-- range instead of reading ten years of the ledger.
CREATE INDEX dues_payments_months ON dues_payments(month_to, month_from);
