-- A member's family contact (家属): who to call when he cannot be reached, and after his
-- death. Shown to his leader and the secretary only; erased with his other personal data.
ALTER TABLE people ADD COLUMN family_name TEXT;
ALTER TABLE people ADD COLUMN family_relation TEXT;
ALTER TABLE people ADD COLUMN family_phone TEXT;
