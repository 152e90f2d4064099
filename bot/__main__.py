"""Command line: `python -m bot [run|demo|check-config|roster-template|import-roster]`.

Every subcommand takes `--config PATH` (else env BRANCHBOT_CONFIG, else ./config.toml).
With no subcommand the bot runs.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot import texts
from bot.config import ConfigError, load_config, resolve_config_path

if TYPE_CHECKING:
    from bot.context import BotData


def _parser() -> argparse.ArgumentParser:
    config_help = texts.CLI_HELP_CONFIG
    # `--config` works before and after the subcommand. The subcommands' copy has no
    # default of its own: otherwise it would overwrite one given before the subcommand.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                        help=config_help)
    parser = argparse.ArgumentParser(prog="python -m bot",
                                     description=texts.CLI_DESCRIPTION)
    parser.add_argument("--config", metavar="PATH", help=config_help)
    sub = parser.add_subparsers(dest="command", metavar=texts.CLI_COMMANDS)
    sub.add_parser("run", parents=[common], help=texts.CLI_HELP_RUN)
    demo = sub.add_parser("demo", parents=[common],
                          help=texts.CLI_HELP_DEMO)
    demo.add_argument("--db", metavar="PATH", type=Path,
                      help=texts.CLI_HELP_DEMO_DB)
    demo.add_argument("--web", action="store_true", help=texts.CLI_HELP_DEMO_WEB)
    demo.add_argument("--port", type=int, default=8080, help=texts.CLI_HELP_DEMO_PORT)
    sub.add_parser("check-config", parents=[common], help=texts.CLI_HELP_CHECK)
    template = sub.add_parser("roster-template", parents=[common],
                              help=texts.CLI_HELP_TEMPLATE)
    template.add_argument("file", type=Path, metavar="FILE.xlsx")
    exporter = sub.add_parser("roster-export", parents=[common], help=texts.CLI_HELP_EXPORT)
    exporter.add_argument("file", type=Path, metavar="FILE.xlsx")
    importer = sub.add_parser("import-roster", parents=[common],
                              help=texts.CLI_HELP_IMPORT)
    importer.add_argument("file", type=Path, metavar="FILE")
    schedule = sub.add_parser("schedule", parents=[common],
                              help=texts.CLI_HELP_SCHEDULE)
    schedule.add_argument("--days", type=int, default=30, help=texts.CLI_HELP_DAYS)
    report = sub.add_parser("report", parents=[common], help=texts.CLI_HELP_REPORT)
    report.add_argument("--year", type=int, help=texts.CLI_HELP_YEAR)
    report.add_argument("--out", type=Path, help=texts.CLI_HELP_OUT)
    printing = sub.add_parser("print", parents=[common], help=texts.CLI_HELP_PRINT)
    printing.add_argument("what", choices=("cards", "map", "sign-in"))
    printing.add_argument("out", type=Path, metavar="FILE.pdf")
    backup = sub.add_parser("backup", parents=[common],
                            help=texts.CLI_HELP_BACKUP)
    backup.add_argument("dest_text", metavar="DEST", help=texts.CLI_HELP_BACKUP_DEST)
    restore = sub.add_parser("restore", parents=[common],
                             help=texts.CLI_HELP_RESTORE)
    restore.add_argument("src", type=Path, metavar="SRC")
    restore.add_argument("--yes", action="store_true", help=texts.CLI_HELP_YES)
    return parser


def _load(args: argparse.Namespace, *, need_token: bool) -> object:
    path = resolve_config_path(args.config, os.environ)
    try:
        return load_config(path, need_token=need_token)
    except ConfigError as exc:
        print(texts.CLI_CONFIG_BAD.format(path=path), file=sys.stderr)
        for problem in exc.problems:
            print(texts.CLI_PROBLEM_LINE.format(problem=problem), file=sys.stderr)
        raise SystemExit(2) from None


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app import run_application
    from bot.config import Config

    config = _load(args, need_token=True)
    assert isinstance(config, Config)
    run_application(config)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    print(asyncio.run(run_demo(args.db, args.port if args.web else None)))
    if args.db:
        print(texts.CLI_DEMO_SAVED.format(path=args.db))
    return 0


def cmd_check_config(args: argparse.Namespace) -> int:
    path = resolve_config_path(args.config, os.environ)
    try:
        load_config(path)
    except ConfigError as exc:
        print(texts.CLI_CONFIG_PROBLEMS.format(path=path, count=len(exc.problems)))
        for problem in exc.problems:
            print(texts.CLI_PROBLEM_LINE.format(problem=problem))
        return 1
    print(texts.CLI_CONFIG_OK.format(path=path))
    return 0


def cmd_roster_template(args: argparse.Namespace) -> int:
    from bot.services.roster_file import write_template

    if args.file.suffix.lower() != ".xlsx":
        print(texts.CLI_TEMPLATE_SUFFIX, file=sys.stderr)
        return 2
    write_template(args.file)
    print(texts.CLI_TEMPLATE_DONE.format(file=args.file))
    return 0


async def _deps(args: argparse.Namespace) -> BotData:
    """The bot's own services over the configured database (bot.app.open_deps, the one
    composition root), for a command that works without Telegram."""
    from bot.app import open_deps
    from bot.clock import SystemClock
    from bot.config import Config
    from bot.context import BotData

    config = _load(args, need_token=False)
    assert isinstance(config, Config)
    holder = BotData()
    holder.deps = await open_deps(config, SystemClock())
    return holder


async def _import(config_path: argparse.Namespace, file: Path) -> int:
    from bot.app import close_deps
    from bot.services.roster_file import RosterFileError

    holder = await _deps(config_path)
    try:
        try:
            report = await holder.deps.roster.import_file(file, actor_tg=None)
        except RosterFileError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        except OSError as exc:
            print(texts.CLI_FILE_ERROR.format(file=file, error=exc.strerror), file=sys.stderr)
            return 1
    finally:
        await close_deps(holder)
    if report.outcome is None:
        print(texts.IMPORT_FAILED.format(count=len(report.problems)), file=sys.stderr)
        for problem in report.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    o = report.outcome
    print(texts.IMPORT_DONE.format(created=o.created, updated=o.updated,
                                   groups=o.groups_created))
    if o.kept:
        print(texts.IMPORT_KEPT.format(count=len(o.kept)))
        for row in o.kept:
            print(texts.IMPORT_KEPT_LINE.format(ext_id=row.ext_id, name=row.name,
                                                why=texts.IMPORT_KEPT_WHY[row.why]))
    if o.untouched:
        print(texts.IMPORT_UNTOUCHED.format(count=o.untouched))
    return 0


async def _export(args: argparse.Namespace) -> bytes | None:
    from bot.app import close_deps

    holder = await _deps(args)
    try:
        deps = holder.deps
        return await deps.roster.export(
            await deps.access.actor(deps.config.admins.secretary_ids[0]))
    finally:
        await close_deps(holder)


def cmd_roster_export(args: argparse.Namespace) -> int:
    if args.file.suffix.lower() != ".xlsx":
        print(texts.CLI_TEMPLATE_SUFFIX, file=sys.stderr)
        return 2
    data = asyncio.run(_export(args))
    assert data is not None  # the command line acts as the secretary
    args.file.write_bytes(data)
    print(texts.PRINT_DONE_FILE.format(path=args.file))
    return 0


def cmd_import_roster(args: argparse.Namespace) -> int:
    return asyncio.run(_import(args, args.file))


async def _schedule(args: argparse.Namespace) -> int:
    from bot.app import close_deps
    from bot.services.dates import show_date, show_time

    holder = await _deps(args)
    config = holder.deps.config
    try:
        scheduler = holder.deps.scheduler
        pushes = await scheduler.upcoming(scheduler.today(), args.days)
    finally:
        await close_deps(holder)
    if not pushes:
        print(texts.SCHEDULE_NONE.format(days=args.days))
        return 0
    print(texts.CMD_SCHEDULE_HEADER.format(days=args.days, tz=config.branch.timezone))
    # A list that runs into another year says the year on every line.
    years = {p.when.year for p in pushes} | {scheduler.today().year}
    for p in pushes:
        when = show_date(p.when.date(), with_year=len(years) > 1) + show_time(p.when.time())
        print(texts.SCHEDULE_LINE.format(when=when, what=p.what, to=p.to))
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    if args.days < 1 or args.days > 400:
        print(texts.CLI_BAD_DAYS, file=sys.stderr)
        return 2
    return asyncio.run(_schedule(args))


async def _report(args: argparse.Namespace) -> int:
    from bot.app import close_deps
    from bot.services.charts import report_charts
    from bot.services.report import report_workbook
    from bot.ui.report import report_rows

    holder = await _deps(args)
    try:
        year = args.year or holder.deps.care.today().year
        report = await holder.deps.report.build(year)
        rows = report_rows(report)
    finally:
        await close_deps(holder)
    out = args.out or Path(texts.REPORT_FILE.format(year=year))
    out.write_bytes(report_workbook(report, rows))
    charts = []
    for name, png in report_charts(report):  # beside the workbook
        charts.append(out.with_name(name))
        charts[-1].write_bytes(png)
    print(texts.REPORT_TITLE.format(year=year))
    for label, value in rows:
        print(texts.REPORT_LINE.format(label=label, value=value))
    for written in (out, *charts):
        print(written)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    return asyncio.run(_report(args))


async def _print(args: argparse.Namespace) -> bytes | None:
    from bot.app import close_deps
    from bot.ui import paper
    from bot.ui.meetings import summary

    holder = await _deps(args)
    deps = holder.deps
    try:
        # The command line prints what the secretary would: the whole branch.
        actor = await deps.access.actor(deps.config.admins.secretary_ids[0])
        if args.what == "cards":
            cards = await deps.paper.cards(actor)
            return paper.service_cards(cards) if cards else None
        if args.what == "map":
            return paper.contact_map(*await deps.paper.groups(actor))
        found = await deps.paper.next_meeting(actor)
        if found is None:
            return None
        return paper.sign_in_sheet(summary(found[0], deps.config.branch.tz), found[1])
    finally:
        await close_deps(holder)


def cmd_print(args: argparse.Namespace) -> int:
    data = asyncio.run(_print(args))
    if data is None:
        print(texts.PRINT_NOTHING, file=sys.stderr)
        return 1
    args.out.write_bytes(data)
    print(texts.PRINT_DONE_FILE.format(path=args.out))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from datetime import datetime

    from bot.config import Config
    from storage.backup import BackupError, backup

    config = _load(args, need_token=False)
    assert isinstance(config, Config)
    dest = Path(args.dest_text)
    # A directory: one that exists, or a path written with a trailing "/" or without a
    # file name's ending (data/backups/, data/backups): the file is named by the time.
    if dest.is_dir() or str(args.dest_text).endswith(("/", os.sep)) or not dest.suffix:
        dest.mkdir(mode=0o700, parents=True, exist_ok=True)
        dest = dest / f"branch-{datetime.now().astimezone():%Y%m%d-%H%M%S}.db"
    try:
        info = asyncio.run(backup(Path(config.storage.path), dest))
    except BackupError as exc:
        print(texts.backup_problem(exc), file=sys.stderr)
        return 1
    except OSError as exc:
        print(texts.CLI_FILE_ERROR.format(file=dest, error=exc.strerror), file=sys.stderr)
        return 1
    print(texts.BACKUP_DONE.format(path=info.path, size=info.size, people=info.people,
                                   version=info.version))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from datetime import datetime

    from bot.config import Config
    from storage.backup import BackupError, BotRunning, restore
    from storage.db import Database

    config = _load(args, need_token=False)
    assert isinstance(config, Config)
    if not args.yes:
        print(texts.RESTORE_STOP_FIRST, file=sys.stderr)
        return 2
    try:
        info, kept = restore(args.src, Path(config.storage.path),
                             now=datetime.now().astimezone())
    except BotRunning:
        print(texts.RESTORE_BOT_RUNNING.format(path=config.storage.path), file=sys.stderr)
        return 1
    except BackupError as exc:
        print(texts.backup_problem(exc), file=sys.stderr)
        return 1
    except OSError as exc:
        print(texts.CLI_FILE_ERROR.format(file=args.src, error=exc.strerror), file=sys.stderr)
        return 1

    async def migrate() -> None:  # a backup from an older version is brought up to date
        db = await Database.open(config.storage.path)
        await db.close()

    asyncio.run(migrate())
    print(texts.RESTORE_DONE.format(path=args.src, people=info.people, version=info.version,
                                    kept=kept or "-"))
    return 0


COMMANDS = {
    None: cmd_run,
    "run": cmd_run,
    "demo": cmd_demo,
    "check-config": cmd_check_config,
    "roster-template": cmd_roster_template,
    "import-roster": cmd_import_roster,
    "roster-export": cmd_roster_export,
    "schedule": cmd_schedule,
    "report": cmd_report,
    "print": cmd_print,
    "backup": cmd_backup,
    "restore": cmd_restore,
}


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request's URL at INFO, and the URL holds the bot's token.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # The demo prints a transcript; its expected warnings would only clutter it.
    default_level = "ERROR" if args.command == "demo" else "WARNING"
    configure_logging(os.environ.get("LOG_LEVEL", default_level))
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    # Files the bot creates (database, backups, reports) hold personal data: only the
    # bot's own user may read them.
    os.umask(0o077)
    raise SystemExit(main())
