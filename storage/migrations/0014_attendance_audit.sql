-- Every answer to a meeting is audited by the database itself, in the same statement that
-- writes it: a tap is then one statement on the shared connection instead of a five-step
-- transaction (read, write, audit, commit), which is what kept taps slow
-- (docs/PERFORMANCE.md). Rows for 'absent', written in bulk at closing, are covered by
-- the closing's own audit row; reason changes are not audited (they were not before).
CREATE TRIGGER attendance_audit_insert AFTER INSERT ON attendance
WHEN NEW.status IN ('present', 'excused')
BEGIN
    INSERT INTO audit_log (at, actor_tg, action, subject_person, detail)
    VALUES (NEW.at, NULL, 'attendance:' || NEW.status, NEW.person_id,
            'meeting=' || NEW.meeting_id || ' by=' || ifnull(NEW.recorded_by, 'None'));
END;

CREATE TRIGGER attendance_audit_update AFTER UPDATE OF status ON attendance
WHEN NEW.status IN ('present', 'excused') AND NEW.status IS NOT OLD.status
BEGIN
    INSERT INTO audit_log (at, actor_tg, action, subject_person, detail)
    VALUES (NEW.at, NULL, 'attendance:' || NEW.status, NEW.person_id,
            'meeting=' || NEW.meeting_id || ' by=' || ifnull(NEW.recorded_by, 'None'));
END;
