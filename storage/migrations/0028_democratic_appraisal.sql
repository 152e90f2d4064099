-- 民主评议党员: after a 组织生活会 each Party member rates each other member 优秀 / 合格 /
-- 基本合格 / 不合格. It is an anonymous survey with one question per member: `subjects`
-- lists the person each question is about (NULL for an ordinary survey), so a voter's own
-- question is skipped and never counted. Nothing else changes: voters and running totals
-- are kept apart exactly as for any survey (0007).
ALTER TABLE surveys ADD COLUMN subjects TEXT;   -- JSON: [person_id, ...], one per question
