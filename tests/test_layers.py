"""The layering, checked rather than reviewed: handlers translate Telegram to service
calls and back. They never import `bot.jobs` (what they set in motion goes through
`deps.follow_ups`) nor a storage module's functions or repositories (plain record types
are fine), and they reach no repository through `deps`. Jobs and the Telegram-side
helpers in `bot/ui/` reach repositories only where a job keeps its own ledger; `bot/` itself
holds the frame, and the typed context imports no feature."""

from __future__ import annotations

import ast
import dataclasses
import enum
import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HANDLERS = sorted((ROOT / "bot" / "handlers").glob("*.py"))
JOBS = sorted((ROOT / "bot" / "jobs").glob("*.py"))
UI = sorted((ROOT / "bot" / "ui").glob("*.py"))
WEB = sorted((ROOT / "bot" / "web").glob("*.py"))
# The ledger that makes a push exactly-once is the pushes job's own, and the backup job
# copies the database itself. (A post's send ledger is PostService's.)
JOB_LEDGERS = {"pushes.py": {"push_repo"}, "backup.py": {"db"}}
# What `bot/` itself holds: the frame every feature stands on. Features live in
# bot/services (rules), bot/handlers, bot/jobs and bot/ui (words, buttons, sending).
FRAME = {"__init__", "__main__", "app", "buttons", "callbacks", "clock", "commands", "config",
         "context", "demo", "demo_data", "flows", "guard", "inbox", "jobqueue", "limits",
         "order", "ratelimit", "reader", "texts", "connections"}
# Frame-level, not a feature's data: the error handler asks whether an update's write was
# committed before telling the user it was saved.
ALLOWED_DEPS_STORAGE = {"inbox.was_applied"}
# Any mention counts, not only a call: `repo = deps.post_repo` once hid a fan-out's writes.
REPOSITORY_ATTRS = re.compile(r"\bdeps\.(\w+_repo|people|db|inbox)\b\.?(\w*)")


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names]
    return found


def test_there_are_handlers_to_check() -> None:
    assert len(HANDLERS) > 10


def test_handlers_never_import_jobs() -> None:
    offenders = [(p.name, module) for p in HANDLERS for module, _ in _imports(p)
                 if module == "bot.jobs" or module.startswith("bot.jobs.")]
    assert offenders == []


def test_handlers_import_only_plain_record_types_from_storage() -> None:
    offenders = []
    for path in HANDLERS:
        for module, names in _imports(path):
            if module != "storage" and not module.startswith("storage."):
                continue
            if not names:
                offenders.append((path.name, module))
                continue
            loaded = importlib.import_module(module)
            for name in names:
                value = getattr(loaded, name, None)
                plain = (isinstance(value, type) and (dataclasses.is_dataclass(value)
                                                      or issubclass(value, enum.Enum))) \
                    or isinstance(value, tuple | int | str)  # constants such as VISIT_KINDS
                if not plain:
                    offenders.append((path.name, f"{module}.{name}"))
    assert offenders == []


def test_handlers_reach_no_repository_through_deps() -> None:
    offenders = []
    for path in HANDLERS:
        for m in REPOSITORY_ATTRS.finditer(path.read_text(encoding="utf-8")):
            if f"{m.group(1)}.{m.group(2)}" not in ALLOWED_DEPS_STORAGE:
                offenders.append((path.name, m.group(0)))
    assert offenders == []


def test_jobs_and_ui_reach_repositories_only_for_their_ledgers() -> None:
    offenders = []
    for path in JOBS + UI:
        allowed = JOB_LEDGERS.get(path.name, set()) if path in JOBS else set()
        for m in REPOSITORY_ATTRS.finditer(path.read_text(encoding="utf-8")):
            if m.group(1) not in allowed:
                offenders.append((f"{path.parent.name}/{path.name}", m.group(0)))
    assert offenders == []


def test_ui_helpers_import_no_handler_or_job() -> None:
    offenders = [(p.name, module) for p in UI for module, _ in _imports(p)
                 if module.startswith(("bot.jobs", "bot.handlers"))]
    assert UI and offenders == []


def test_the_bot_package_root_holds_the_frame_only() -> None:
    assert {p.stem for p in (ROOT / "bot").glob("*.py")} == FRAME


def test_the_context_imports_no_feature_module() -> None:
    """`bot.context` is imported by every handler and job; importing one of them back
    made the import circle context <-> meeting_ui."""
    offenders = [module for module, _ in _imports(ROOT / "bot" / "context.py")
                 if module.startswith(("bot.jobs", "bot.handlers", "bot.ui"))]
    assert offenders == []


def test_buttons_are_declared_once_outside_the_wizards() -> None:
    """A feature's buttons go through `bot.buttons.Buttons` (parse, ids, actor, stale answer
    once); only a wizard's own steps and the gate in front of everything register a
    CallbackQueryHandler themselves."""
    offenders = [p.name for p in HANDLERS if p.name != "chats.py"
                 and "add_handler(CallbackQueryHandler(" in p.read_text(encoding="utf-8")]
    assert offenders == []
    declared = [p.name for p in HANDLERS if "Buttons(" in p.read_text(encoding="utf-8")]
    assert len(declared) >= 10


def test_no_module_over_400_lines_without_a_reason_at_its_top() -> None:
    offenders = []
    for path in sorted([*(ROOT / "bot").rglob("*.py"), *(ROOT / "storage").rglob("*.py")]):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 400:
            doc = ast.get_docstring(ast.parse(text)) or ""
            if "Why one file" not in doc and "Why one long file" not in doc:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_desk_stands_where_handlers_stand() -> None:
    """bot/web is another face of the same services: no jobs, no handlers, no repository
    through `deps` (what it changes, it changes through the services' rules)."""
    imports = [(p.name, module) for p in WEB for module, _ in _imports(p)
               if module.startswith(("bot.jobs", "bot.handlers"))]
    reached = [(p.name, m.group(0)) for p in WEB
               for m in REPOSITORY_ATTRS.finditer(p.read_text(encoding="utf-8"))]
    assert len(WEB) >= 3 and imports == [] and reached == []
