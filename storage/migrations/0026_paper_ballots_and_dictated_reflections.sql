-- A leader enters a paper ballot for a member without a phone: still anonymous (the
-- choices go only into the tallies), the voter row says who entered it. A 心得 dictated
-- to the leader likewise says who wrote it down.
ALTER TABLE survey_voters ADD COLUMN recorded_by INTEGER REFERENCES people(id);
ALTER TABLE reflections ADD COLUMN recorded_by INTEGER REFERENCES people(id);
