"""The desk's routes. Every page goes through `_page`: a live session (bot/services/desk.py),
a role allowed by `PAGES` (the same roles as the bot's commands), and on every POST the
session's CSRF token. Pages read what the bot reads (bot/web/pages.py) and change the
roster only through `RosterService`, so every change is audited like in the bot.

Nothing personal goes in a URL: people are named by their internal id, the login token
is posted from a button (a link preview fetching the address cannot use it up), and no
access log is written (uvicorn's would hold the token's query string).
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot import texts
from bot.commands import COMMANDS
from bot.context import Deps
from bot.reader import read_off_loop
from bot.services.access import LINKED, STAFF, Role
from bot.services.charts import font_path
from bot.services.dates import show_date
from bot.services.desk import DeskSession, LinkOutcome
from bot.services.problems import ServiceError
from bot.services.roster_file import RosterFileError
from bot.services.tables import check_size
from bot.ui import paper
from bot.ui.report import report_files
from bot.web import pages

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
COOKIE = "desk"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Who sees which page: the roles of the bot command that shows the same thing.
PAGES: dict[str, frozenset[Role]] = {
    "overview": STAFF,
    "roster": COMMANDS["roster"].roles,
    "meetings": STAFF,
    "care": COMMANDS["visits"].roles,
    "notices": COMMANDS["notices"].roles,
    "report": COMMANDS["report"].roles,
    "me": LINKED,
}
PRINTERS = COMMANDS["print"].roles
HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",  # the login page's address never leaves in a Referer
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; form-action 'self'",
}

Endpoint = Callable[[Request, Deps, DeskSession], Awaitable[Response]]


class Desk:
    """The desk over the bot's dependencies (`deps_of` is called per request: the bot
    opens them in post_init, after the routes are made)."""

    def __init__(self, deps_of: Callable[[], Deps], *, secure_cookie: bool) -> None:
        self.deps_of = deps_of
        self.secure_cookie = secure_cookie
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"),
                               autoescape=select_autoescape(["html"]), enable_async=False)
        self.env.globals["t"] = texts
        # A previewed roster file waiting for the secretary's 确认导入, by session.
        self.pending_imports: dict[str, list[dict[str, Any]]] = {}

    # -- rendering -------------------------------------------------------------------

    def render(self, name: str, session: DeskSession | None, page: str, title: str,
               status: int = 200, **values: Any) -> HTMLResponse:
        deps = self.deps_of()
        nav = []
        who = ""
        if session is not None:
            nav = [(key, texts.WEB_NAV[key]) for key, roles in PAGES.items()
                   if session.actor.has_any(roles)]
            person = session.actor.person
            roles = "、".join(texts.ROLE_NAMES[r] for r in texts.ROLE_NAMES
                             if Role(r) in session.actor.roles and r != Role.MEMBER)
            who = texts.WEB_LOGGED_IN_AS.format(name=person.name if person else "",
                                                roles=roles or texts.ROLE_NAMES["member"])
        html = self.env.get_template(name).render(
            session=session, page=page, title=title, nav=nav, who=who,
            branch=deps.config.branch.name, **values)
        return HTMLResponse(html, status_code=status, headers=HEADERS)

    def message(self, session: DeskSession | None, text: str, *, status: int = 200,
                problem: bool = False, back: str | None = None) -> HTMLResponse:
        return self.render("message.html", session, "", texts.WEB_TITLE, status,
                           message=text, problem=problem, back=back)

    # -- the gate every page goes through ------------------------------------------------

    def page(self, key: str, endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
        async def gate(request: Request) -> Response:
            deps = self.deps_of()
            cookie = request.cookies.get(COOKIE)
            session = await deps.desk.session(cookie)
            if session is None:
                response = self.message(None, texts.WEB_SESSION_OVER if cookie
                                        else texts.WEB_NEED_LOGIN, status=401, problem=True)
                response.delete_cookie(COOKIE, path="/")
                return response
            if not session.actor.has_any(PAGES[key]):
                if key == "overview":  # a member's desk is his own page
                    return RedirectResponse("/me", status_code=303, headers=HEADERS)
                return self.message(session, texts.WEB_FORBIDDEN, status=403, problem=True)
            try:
                if request.method == "POST":
                    sent = request.headers.get("X-CSRF-Token")
                    if sent is None:
                        sent = str((await request.form()).get("csrf") or "")
                    if not deps.desk.csrf_ok(session, sent):
                        return self.message(session, texts.WEB_CSRF, status=403, problem=True)
                return await endpoint(request, deps, session)
            finally:
                await request.close()  # an uploaded file's spool, if any
        return gate

    # -- logging in and out ----------------------------------------------------------------

    async def login_page(self, request: Request) -> Response:
        token = request.query_params.get("t", "")
        return self.render("login.html", None, "", texts.WEB_LOGIN_TITLE, token=token)

    async def login(self, request: Request) -> Response:
        deps = self.deps_of()
        token = str((await request.form()).get("t") or "")
        outcome, cookie = await deps.desk.redeem(token)
        if outcome is not LinkOutcome.OK or cookie is None:
            return self.message(None, texts.WEB_LOGIN_FAILED[outcome], status=403, problem=True)
        response = RedirectResponse("/", status_code=303, headers=HEADERS)
        response.set_cookie(COOKIE, cookie, max_age=8 * 3600, path="/", httponly=True,
                            samesite="strict", secure=self.secure_cookie)
        return response

    async def logout(self, request: Request, deps: Deps, session: DeskSession) -> Response:
        await deps.desk.logout(session)
        self.pending_imports.pop(session.id_hash, None)
        response = self.message(None, texts.WEB_LOGGED_OUT)
        response.delete_cookie(COOKIE, path="/")
        return response

    # -- pages ---------------------------------------------------------------------------

    async def overview(self, request: Request, deps: Deps, session: DeskSession) -> Response:
        ov = await read_off_loop(deps, pages.overview, session.actor)
        return self.render("overview.html", session, "overview", texts.WEB_NAV["overview"],
                           ov=ov)

    async def roster(self, request: Request, deps: Deps, session: DeskSession) -> Response:
        query = request.query_params.get("q", "")[:40]
        rows = pages.roster_rows(deps, session.actor, await deps.roster.all(), query)
        if request.headers.get("HX-Request"):
            return self.render("roster_rows.html", session, "roster", "", rows=rows)
        actor = session.actor
        return self.render("roster.html", session, "roster", texts.WEB_NAV["roster"],
                           rows=rows, query=query, secretary=deps.roster.may_import(actor),
                           printer=actor.has_any(PRINTERS))

    async def person(self, request: Request, deps: Deps, session: DeskSession) -> Response:
        person = await deps.roster.get(int(request.path_params["pid"]))
        actor = session.actor
        if person is None or not person.active or not deps.roster.may_edit(actor, person):
            return self.message(session, texts.WEB_FORBIDDEN, status=403, problem=True,
                                back="/roster")
        said: list[tuple[str, bool]] = []  # (what to say, whether it is a problem)
        if request.method == "POST":
            form = await request.form()
            changed: list[str] = []
            try:
                for word, value in self._edits(person, form, actor.is_secretary):
                    person = await deps.roster.edit(actor, person, word, value.split())
                    changed.append(word)
            except ServiceError as exc:
                said.append((texts.explain(exc), True))
            if changed:
                said.insert(0, (texts.WEB_EDIT_SAVED.format(fields="、".join(changed)), False))
            elif not said:
                said.append((texts.WEB_EDIT_NOTHING, False))
        groups = [g.name for g in await deps.roster.groups()]
        return self.render("person.html", session, "roster",
                           texts.WEB_EDIT_TITLE.format(name=person.name), person=person,
                           said=said, groups=groups,
                           categories=list(texts.CATEGORY.values()),
                           may_move=actor.is_secretary)

    @staticmethod
    def _edits(person: Any, form: Any, may_move: bool) -> list[tuple[str, str]]:
        """The fields the form changed, as the bot's `/roster 改` words."""
        def sent(name: str) -> str:
            return " ".join(str(form.get(name) or "").split())

        out = []
        if sent("phone") and sent("phone").replace(" ", "") != (person.phone or ""):
            out.append(("手机", sent("phone")))
        if sent("residence") and sent("residence") != (person.residence or ""):
            out.append(("住址", sent("residence")))
        category = texts.CATEGORY.get(person.category, person.category)
        if sent("category") and sent("category") != category:
            out.append(("类别", sent("category")))
        family = [sent("family_name"), sent("family_relation"), sent("family_phone")]
        old = [person.family_name or "", person.family_relation or "",
               person.family_phone or ""]
        if all(family) and [family[0], family[1], family[2].replace(" ", "")] != old:
            out.append(("家属", " ".join(family)))
        if may_move and sent("group") and sent("group") != (person.group_name or ""):
            out.append(("党小组", sent("group")))
        return out

    async def export(self, request: Request, deps: Deps, session: DeskSession) -> Response:
        data = await deps.roster.export(session.actor)
        if data is None:
            return self.message(session, texts.WEB_FORBIDDEN, status=403, problem=True)
        return _download(data, texts.ROSTER_EXPORT_FILE, XLSX)

    async def import_page(self, request: Request, deps: Deps, session: DeskSession
                          ) -> Response:
        if not deps.roster.may_import(session.actor):
            return self.message(session, texts.WEB_FORBIDDEN, status=403, problem=True)
        values: dict[str, Any] = {"problems": [], "count": None, "said": None}
        if request.method == "POST":
            upload = (await request.form()).get("file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                values["said"] = texts.WEB_IMPORT_UNREADABLE
            else:
                suffix = Path(upload.filename).suffix.lower()
                try:
                    check_size(upload.size)  # before reading it all into memory
                    data = await upload.read()
                    rows, problems = await asyncio.to_thread(deps.roster.preview, data, suffix)
                except RosterFileError as exc:
                    values["said"] = str(exc) or texts.WEB_IMPORT_UNREADABLE
                else:
                    values["problems"] = [str(p) for p in problems]
                    values["count"] = len(rows)
                    if not problems:
                        self.pending_imports[session.id_hash] = rows
        return self.render("import.html", session, "roster", texts.WEB_IMPORT_TITLE, **values)

    async def import_apply(self, request: Request, deps: Deps, session: DeskSession
                           ) -> Response:
        rows = self.pending_imports.pop(session.id_hash, None)
        if not deps.roster.may_import(session.actor):
            return self.message(session, texts.WEB_FORBIDDEN, status=403, problem=True)
        if rows is None:
            return self.message(session, texts.WEB_IMPORT_GONE, problem=True,
                                back="/roster/import")
        report = await deps.roster.import_rows(rows, actor_tg=session.actor.tg_user_id)
        if report.outcome is None:
            return self.render("import.html", session, "roster", texts.WEB_IMPORT_TITLE,
                               problems=[str(p) for p in report.problems], count=len(rows),
                               said=None)
        return self.message(session, texts.WEB_IMPORT_DONE.format(
            added=report.outcome.created, updated=report.outcome.updated), back="/roster")

    async def printout(self, request: Request, deps: Deps, session: DeskSession) -> Response:
        actor = session.actor
        what = request.path_params["what"]
        if what not in ("cards", "map"):
            return self.message(session, texts.WEB_NOT_FOUND, status=404, problem=True)
        if not actor.has_any(PRINTERS):
            return self.message(session, texts.WEB_FORBIDDEN, status=403, problem=True)
        if what == "cards":
            cards = await deps.paper.cards(actor)
            data = await asyncio.to_thread(paper.service_cards, cards)
            return _download(data, texts.PAPER_FILE_CARDS, "application/pdf")
        groups, people = await deps.paper.groups(actor)
        data = await asyncio.to_thread(paper.contact_map, groups, people)
        return _download(data, texts.PAPER_FILE_MAP, "application/pdf")

    async def meetings(self, request: Request, deps: Deps, session: DeskSession) -> Response:
        year = deps.meetings.today().year
        lines = await read_off_loop(deps, pages.meetings, session.actor, year)
        columns, chart = await read_off_loop(deps, pages.month_chart, session.actor, year)
        return self.render("meetings.html", session, "meetings", texts.WEB_NAV["meetings"],
                           lines=lines, columns=columns, chart=chart, year=year)

    async def meeting(self, request: Request, deps: Deps, session: DeskSession) -> Response:
        found = await pages.meeting_detail(deps, session.actor, int(request.path_params["mid"]))
        if found is None:
            return self.message(session, texts.WEB_NOT_FOUND, status=404, problem=True,
                                back="/meetings")
        m, rows = found
        title = f"{texts.MEETING_KIND[m.kind]} · {m.topic}"
        return self.render("meeting.html", session, "meetings", title, m=m, rows=rows,
                           day=show_date(deps.meetings.local(m.starts_at).date()))

    async def care(self, request: Request, deps: Deps, session: DeskSession) -> Response:
        return self.render("care.html", session, "care", texts.WEB_NAV["care"],
                           **await pages.care(deps, session.actor))

    async def notices(self, request: Request, deps: Deps, session: DeskSession) -> Response:
        return self.render("notices.html", session, "notices", texts.WEB_NAV["notices"],
                           posts=await pages.notices(deps, session.actor))

    async def report(self, request: Request, deps: Deps, session: DeskSession) -> Response:
        year = deps.care.today().year
        files = await read_off_loop(deps, report_files, year, workbook=False)
        charts = [base64.b64encode(png).decode() for _, png in files.charts]
        return self.render("report.html", session, "report",
                           texts.WEB_REPORT_TITLE.format(year=year),
                           rows=files.rows, charts=charts)

    async def workbook(self, request: Request, deps: Deps, session: DeskSession) -> Response:
        year = deps.care.today().year
        files = await read_off_loop(deps, report_files, year, charts=False)
        assert files.workbook is not None
        return _download(files.workbook, texts.REPORT_FILE.format(year=year), XLSX)

    async def me(self, request: Request, deps: Deps, session: DeskSession) -> Response:
        values = await pages.me(deps, session.actor)
        return self.render("me.html", session, "me", texts.WEB_ME_TITLE.format(
            name=values["person"].name), **values)

    async def font(self, request: Request) -> Response:
        return FileResponse(font_path(), media_type="font/otf",
                            headers={"Cache-Control": "public, max-age=604800"})


def _download(data: bytes, filename: str, media_type: str) -> Response:
    from urllib.parse import quote
    return Response(data, media_type=media_type, headers={
        **HEADERS, "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


def desk_app(deps_of: Callable[[], Deps], *, secure_cookie: bool = False) -> Starlette:
    desk = Desk(deps_of, secure_cookie=secure_cookie)
    p = desk.page
    routes = [
        Route("/login", desk.login_page, methods=["GET"]),
        Route("/login", desk.login, methods=["POST"]),
        Route("/logout", p("me", desk.logout), methods=["POST"]),
        Route("/", p("overview", desk.overview)),
        Route("/roster", p("roster", desk.roster)),
        Route("/roster/export.xlsx", p("roster", desk.export)),
        Route("/roster/import", p("roster", desk.import_page), methods=["GET", "POST"]),
        Route("/roster/import/apply", p("roster", desk.import_apply), methods=["POST"]),
        Route("/roster/print/{what:str}.pdf", p("roster", desk.printout)),
        Route("/roster/{pid:int}", p("roster", desk.person), methods=["GET", "POST"]),
        Route("/meetings", p("meetings", desk.meetings)),
        Route("/meetings/{mid:int}", p("meetings", desk.meeting)),
        Route("/care", p("care", desk.care)),
        Route("/notices", p("notices", desk.notices)),
        Route("/report", p("report", desk.report)),
        Route("/report/workbook.xlsx", p("report", desk.workbook)),
        Route("/me", p("me", desk.me)),
        Route("/static/cjk.otf", desk.font),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        return desk.message(None, texts.WEB_NOT_FOUND, status=404, problem=True)

    return Starlette(routes=routes, exception_handlers={404: not_found})
