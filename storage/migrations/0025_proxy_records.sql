-- Proxy everywhere the seeds expect it: a leader writes down a suggestion a member
-- dictated, or enters the score of a quiz done on paper; the record says who acted for
-- whom (NULL: the member himself).
ALTER TABLE suggestions ADD COLUMN recorded_by INTEGER REFERENCES people(id);
ALTER TABLE quiz_attempts ADD COLUMN recorded_by INTEGER REFERENCES people(id);
