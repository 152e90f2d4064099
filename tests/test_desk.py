"""The secretary's desk (bot/web): logging in from the bot, every page for every role,
CSRF, sessions that end, the roster edited and imported, and nothing personal in URLs or
logs. Requests go to the desk's own ASGI app in the bot's event loop (httpx's ASGI
transport: Starlette's sync TestClient would run the app in a second loop, away from the
bot's database connection); tests/test_desk_browser.py drives a real browser over HTTP."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import logging
import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from html import unescape
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from bot.config import Config
from bot.web.app import desk_app
from storage.models import Meeting, VisitKind
from tests.conftest import Branch, has_phone
from tests.test_meetings import GROUP3, arrange, clock, open_card

BASE = "http://desk.test"
PEOPLE = {"secretary": "王建国", "committee": "卫红梅", "leader": "刘建华", "member": "李秀英"}
# Each page and who gets it (the rest are refused with 403; a member's overview is his
# own page, 303 to /me).
PAGES = {
    "/": {"secretary", "committee", "leader"},
    "/roster": {"secretary", "committee", "leader"},
    "/meetings": {"secretary", "committee", "leader"},
    "/care": {"secretary", "committee", "leader"},
    "/notices": {"secretary", "committee", "leader"},
    "/report": {"secretary", "committee"},
    "/me": {"secretary", "committee", "leader", "member"},
    "/roster/export.xlsx": {"secretary"},
    "/roster/import": {"secretary"},
    "/roster/print/cards.pdf": {"secretary", "leader"},
    "/roster/print/map.pdf": {"secretary", "leader"},
    "/report/workbook.xlsx": {"secretary", "committee"},
}


@pytest.fixture
def config(config: Config) -> Config:
    return dataclasses.replace(config, web=dataclasses.replace(
        config.web, enabled=True, public_url=BASE))


def client(branch: Branch) -> httpx.AsyncClient:
    app = desk_app(lambda: branch.h.deps)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE)


async def login_link(branch: Branch, name: str) -> str:
    """What /web sends `name` in his private chat: the one-time login address."""
    who = branch.users[name]
    if (await branch.h.deps.roster.by_tg_user(who.id)) is None:
        await branch.link(name)
    await branch.say(who, "/web")
    found = re.search(r"https?://\S+/login\?t=\S+", branch.reply(who))
    assert found, branch.reply(who)
    return found.group(0)


def token_of(link: str) -> str:
    return link.split("t=", 1)[1]


@contextlib.asynccontextmanager
async def logged_in(branch: Branch, name: str) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client that logged in as `name` with a link from /web."""
    async with client(branch) as c:
        link = await login_link(branch, name)
        page = await c.get(link[link.index('/login'):])
        assert page.status_code == 200 and "进入工作台" in page.text
        done = await c.post("/login", data={"t": token_of(link)})
        assert done.status_code == 303, done.text
        yield c


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def text_of(page: httpx.Response) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", page.text))


async def test_a_link_from_the_bot_works_once_for_ten_minutes(branch: Branch) -> None:
    link = await login_link(branch, "王建国")
    sent = [c for c in branch.fake.calls if c.method == "sendMessage"
            and "login?t=" in str(c.params.get("text", ""))][-1]
    assert "is_disabled" in str(sent.params.get("link_preview_options"))  # no preview
    async with client(branch) as c:
        # Opening the address only shows a button: a link preview cannot use it up.
        assert (await c.get(link[link.index('/login'):])).status_code == 200
        first = await c.post("/login", data={"t": token_of(link)})
        assert first.status_code == 303
        cookie = first.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "max-age=28800" in cookie
        assert (await c.get("/")).status_code == 200
    async with client(branch) as c:
        again = await c.post("/login", data={"t": token_of(link)})
        assert again.status_code == 403 and "已经用过" in again.text
        late = await login_link(branch, "王建国")
        clock(branch).advance(timedelta(minutes=11))
        expired = await c.post("/login", data={"t": token_of(late)})
        assert expired.status_code == 403 and "已经过期" in expired.text
        wrong = await c.post("/login", data={"t": "not-a-token"})
        assert wrong.status_code == 403 and "链接不对" in wrong.text
        assert (await c.get("/")).status_code == 401
        forged = await c.get("/", headers={b"Cookie": "desk=中.abc".encode()})
        assert forged.status_code == 401 and "重新登录" in forged.text
    # Only hashes are kept: the database alone opens nothing.
    rows = await branch.h.deps.db.fetchall("SELECT token_hash FROM desk_links")
    assert rows and all(token_of(link) not in str(r["token_hash"]) for r in rows)
    audit = await branch.h.deps.db.fetchall(
        "SELECT action FROM audit_log WHERE action = 'desk_login'")
    assert len(audit) == 1


@pytest.mark.parametrize("role", sorted(PEOPLE))
async def test_every_page_for_every_role(branch: Branch, role: str) -> None:
    async with logged_in(branch, PEOPLE[role]) as c:
        for path, allowed in PAGES.items():
            got = await c.get(path)
            if role in allowed:
                assert got.status_code == 200, (path, got.status_code)
            elif path == "/" and role == "member":
                assert got.status_code == 303 and got.headers["location"] == "/me"
            else:
                assert got.status_code == 403, (path, got.status_code)
                assert "没有权限" in got.text
    async with client(branch) as stranger:  # no session at all
        for path in PAGES:
            got = await stranger.get(path)
            assert got.status_code == 401 and "/web" in got.text


async def test_a_leader_sees_his_own_group_and_a_member_only_himself(branch: Branch) -> None:
    async with logged_in(branch, "刘建华") as leader:
        roster = text_of(await leader.get("/roster"))
        assert "尤凤英" in roster and "张懋" not in roster and "李平" not in roster
        assert "导出名册" not in roster  # the secretary's
    async with logged_in(branch, "李秀英") as member:
        me = text_of(await member.get("/me"))
        assert "李秀英" in me and "张懋" not in me
        assert (await member.get("/roster")).status_code == 403


async def test_committee_sees_that_a_visit_happened_not_why(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    deps = branch.h.deps
    zhang = await deps.people.by_ext_id("A002")
    assert zhang is not None
    # Recorded by the secretary (the visit wizard itself is tests/test_care.py's).
    await deps.care.log_visit(await deps.access.actor(secretary.id), [zhang],
                              VisitKind.HOSPITAL, deps.care.today(), notes="胃出血，已好转")
    async with logged_in(branch, "王建国") as c:
        care = text_of(await c.get("/care"))
        assert "张懋" in care and "胃出血" in care
    async with logged_in(branch, "卫红梅") as c:
        care = text_of(await c.get("/care"))
        assert "张懋" in care and "胃出血" not in care and "住院" not in care


async def test_csrf_is_required_and_an_edit_is_audited(branch: Branch) -> None:
    async with logged_in(branch, "王建国") as c:
        person = await branch.h.deps.people.by_ext_id("C003")
        assert person is not None
        form = await c.get(f"/roster/{person.id}")
        assert form.status_code == 200
        forged = await c.post(f"/roster/{person.id}", data={"residence": "伪造路1号"})
        assert forged.status_code == 403 and "表单已经失效" in forged.text
        wrong = await c.post(f"/roster/{person.id}", data={"residence": "伪造路1号",
                                                           "csrf": "不对的"})
        assert wrong.status_code == 403 and "表单已经失效" in wrong.text
        unchanged = await branch.h.deps.people.get(person.id)
        assert unchanged is not None and unchanged.residence != "伪造路1号"
        saved = await c.post(f"/roster/{person.id}", data={
            "csrf": csrf_of(form), "phone": "139 0000 7777", "residence": "东湖花园3栋",
            "category": "离休", "group": person.group_name or ""})  # as they were
        assert saved.status_code == 200 and "已保存" in saved.text
        edited = await branch.h.deps.people.get(person.id)
        assert edited is not None
        assert (edited.phone, edited.residence) == ("13900007777", "东湖花园3栋")
        bad = await c.post(f"/roster/{person.id}", data={"csrf": csrf_of(form),
                                                         "phone": "12345"})
        assert "12345" in text_of(bad) and "class=\"problem\"" in bad.text
        trail = await branch.h.deps.db.fetchall(
            "SELECT actor_tg, action, detail FROM audit_log WHERE subject_person = ? "
            "AND action = 'edit'", (person.id,))
        assert len(trail) == 2, [tuple(r) for r in trail]
        assert all(r["actor_tg"] == branch.users["王建国"].id for r in trail)
    async with logged_in(branch, "刘建华") as leader:  # another group's member
        other = await branch.h.deps.people.by_ext_id("A002")
        assert other is not None
        assert (await leader.get(f"/roster/{other.id}")).status_code == 403


async def test_a_role_change_or_logout_ends_the_session(branch: Branch) -> None:
    async with logged_in(branch, "刘建华") as leader:
        assert (await leader.get("/roster")).status_code == 200
        secretary = await branch.link("王建国")
        await branch.say(secretary, "/role 刘建华 取消组长")
        assert "已取消" in branch.reply(secretary)
        ended = await leader.get("/roster")
        assert ended.status_code == 401 and "重新登录" in ended.text
    async with logged_in(branch, "王建国") as c:
        page = await c.get("/")
        out = await c.post("/logout", data={"csrf": csrf_of(page)})
        assert "已退出" in out.text
        assert (await c.get("/")).status_code == 401


def _roster_file(branch_rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in branch_rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def test_an_import_is_previewed_with_its_row_errors_then_applied(branch: Branch) -> None:
    async with logged_in(branch, "王建国") as c:
        exported = await c.get("/roster/export.xlsx")
        assert exported.status_code == 200
        sheet = load_workbook(io.BytesIO(exported.content)).active
        assert sheet is not None
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        header = rows[0]
        name_col = header.index("姓名")
        new = list(rows[-1])  # like the last member, as another person
        new[header.index("编号")], new[name_col] = "C011", "新同志"
        for column in ("手机号", "家属电话", "角色"):
            if column in header:
                new[header.index(column)] = None
        good = [*rows, new]
        bad = [list(r) for r in good]
        bad[3][header.index("出生日期")] = "1950-13-45"
        page = await c.get("/roster/import")
        files = {"file": ("名册.xlsx", _roster_file(bad), "application/octet-stream")}
        preview = await c.post("/roster/import", data={"csrf": csrf_of(page)}, files=files)
        assert "第4行" in text_of(preview) and "名册没有改动" in text_of(preview)
        assert "确认导入" not in preview.text
        assert await branch.h.deps.people.by_ext_id("C011") is None
        files = {"file": ("名册.xlsx", _roster_file(good), "application/octet-stream")}
        preview = await c.post("/roster/import", data={"csrf": csrf_of(page)}, files=files)
        assert "确认导入" in preview.text, text_of(preview)
        assert await branch.h.deps.people.by_ext_id("C011") is None
        done = await c.post("/roster/import/apply", data={"csrf": csrf_of(page)})
        assert "已导入：新增1人" in text_of(done)
        assert await branch.h.deps.people.by_ext_id("C011") is not None
        again = await c.post("/roster/import/apply", data={"csrf": csrf_of(page)})
        assert "预览已过期" in text_of(again)


async def closed_meeting(branch: Branch) -> tuple[Meeting, re.Match[str]]:
    """A group meeting closed with one check-in, and the line /attendance gives the
    secretary for that group (rate, present, expected)."""
    m = await arrange(branch)
    card = await open_card(branch, m)
    you = await branch.link("尤凤英")
    branch.fake.press(you, card, "✅ 签到")
    await branch.h.settle()
    clock(branch).set(datetime.fromisoformat(m.ends_at))
    await branch.run_job(f"mtg:{m.id}:close")
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/attendance")
    said = re.search(rf"{re.escape(GROUP3)}：(\d+)%（出席(\d+)/(\d+)", branch.reply(secretary))
    assert said, branch.reply(secretary)
    return m, said


async def test_the_overview_counts_what_attendance_says(branch: Branch) -> None:
    m, said = await closed_meeting(branch)
    async with logged_in(branch, "王建国") as c:
        page = await c.get("/")
        rates = re.search(r'<table id="ov-rates">(.*?)</table>', page.text, re.S)
        assert rates
        row = next(r for r in re.findall(r"<tr>(.*?)</tr>", rates.group(1), re.S)
                   if GROUP3 in r)
        cells = [unescape(re.sub(r"<[^>]+>", "", x)).strip()
                 for x in re.findall(r"<td>(.*?)</td>", row, re.S)]
        assert cells[1].endswith(f"{said.group(1)}%")
        assert (cells[2], cells[3]) == (said.group(2), said.group(3))
        assert "本月会议：1次，出席1人次 / 应到9人次" in text_of(page)
        meetings = text_of(await c.get("/meetings"))
        assert "学习会议精神" in meetings and "1 / 9" in meetings
        detail = text_of(await c.get(f"/meetings/{m.id}"))
        assert "尤凤英" in detail and "✓ 出席" in detail and "✗ 缺席" in detail


async def test_no_personal_data_in_urls_or_logs(branch: Branch,
                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)  # what `python -m bot` logs (PTB's DEBUG echoes requests)
    link = await login_link(branch, "王建国")
    async with logged_in(branch, "王建国") as c:
        seen: set[str] = set()
        todo = ["/"]
        while todo:
            path = todo.pop()
            if path in seen or not path.startswith("/") or path.startswith("/static"):
                continue
            seen.add(path)
            page = await c.get(path)
            if "text/html" in page.headers.get("content-type", ""):
                todo += re.findall(r'href="([^"]+)"', page.text)
        names = [p.name for p in await branch.h.deps.people.all()]
        assert len(seen) > 8
        for path in seen:
            assert not has_phone(path) and not any(n in unescape(path) for n in names), path
    logged = caplog.text
    assert token_of(link) not in logged and not has_phone(logged)
