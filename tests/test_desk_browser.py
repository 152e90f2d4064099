"""The desk in a real browser: Debian's Chromium driven by Playwright, over HTTP from the
uvicorn server the bot runs (bot/web/server.py), in the bot's own event loop. A person
logs in with the link /web gave him, edits a member, imports a roster file with a bad
row, and reads the overview, whose numbers must be those /attendance gives in the bot.
Each page is saved as a screenshot (DESK_SCREENSHOTS, default build/desk-screenshots)
to be looked at: Chinese must render, not boxes.

The machines cannot download Playwright's own browser; `.ci/run` installs `chromium`
with apt and sets DESK_BROWSER=required, so there a missing browser fails the run."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Config
from bot.web.app import desk_app
from bot.web.server import desk_server
from tests.conftest import Branch
from tests.test_desk import closed_meeting, login_link
from tests.test_meetings import GROUP3

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(os.environ.get("DESK_SCREENSHOTS", Path(__file__).resolve().parents[1] / "build"
                            / "desk-screenshots"))

if not Path(CHROMIUM).exists():
    if os.environ.get("DESK_BROWSER") == "required":
        raise RuntimeError(f"DESK_BROWSER=required but no Chromium at {CHROMIUM}")
    pytest.skip("no Chromium here (CI installs it: .ci/run)", allow_module_level=True)

playwright = pytest.importorskip("playwright.async_api")


@pytest.fixture
def config(config: Config) -> Config:
    return dataclasses.replace(config, web=dataclasses.replace(
        config.web, enabled=True, listen="127.0.0.1", port=0))


@pytest.fixture
async def desk_url(branch: Branch) -> AsyncIterator[str]:
    """The desk served over HTTP on a free port, in this event loop, as `python -m bot`."""
    web = dataclasses.replace(branch.h.deps.config.web, port=0)
    server = desk_server(desk_app(lambda: branch.h.deps), web)
    serving = asyncio.create_task(server.serve())
    await server.listening.wait()
    yield f"http://127.0.0.1:{server.port}"
    server.should_exit = True
    await serving


def _roster_with_a_bad_row() -> bytes:
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["编号", "姓名", "党小组", "类别", "政治面貌", "出生日期"])
    ws.append(["C011", "新同志", GROUP3, "退休", "党员", "1950-13-45"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def test_a_secretary_works_at_the_desk_in_chromium(branch: Branch, desk_url: str,
                                                         tmp_path: Path) -> None:
    # A meeting closed with one check-in: the overview must agree with /attendance.
    _, said = await closed_meeting(branch)
    link = await login_link(branch, "王建国")
    link = desk_url + link[link.index("/login"):]  # the same token, on this test's port

    await asyncio.to_thread(SHOTS.mkdir, parents=True, exist_ok=True)
    async with playwright.async_playwright() as p:
        # The browser runs on the machine's own time: when the suite runs under faketime
        # (.ci/run), Chromium with libfaketime and a real monotonic clock
        # (DONT_FAKE_MONOTONIC=1) never finishes loading a page. The bot's time is the
        # test's clock either way.
        env = {k: v for k, v in os.environ.items()
               if k != "LD_PRELOAD" and not k.startswith(("FAKETIME", "DONT_FAKE"))}
        browser = await p.chromium.launch(executable_path=CHROMIUM, env=env,
                                          args=["--no-sandbox", "--lang=zh-CN"])
        page = await browser.new_page(viewport={"width": 1100, "height": 900})
        await page.goto(link)
        await page.screenshot(path=SHOTS / "0-login.png")
        await page.get_by_role("button", name="进入工作台").click()
        await page.wait_for_url(desk_url + "/")
        # Chinese in a CJK font: the system's, else the desk's own (this machine has none).
        await page.evaluate("document.fonts.ready")
        assert await page.evaluate(
            "document.fonts.check('20px DeskCJK', '支部') || "
            "document.fonts.check(\"20px 'Noto Sans CJK SC'\", '支部')")
        size = await page.evaluate("getComputedStyle(document.body).fontSize")
        assert float(size.rstrip("px")) >= 18
        row = page.locator("#ov-rates tr", has_text=GROUP3)
        cells = await row.locator("td").all_inner_texts()
        assert cells[1].strip().endswith(f"{said.group(1)}%")
        assert (cells[2], cells[3]) == (said.group(2), said.group(3))
        await page.screenshot(path=SHOTS / "1-overview.png", full_page=True)

        # The roster: search, then edit a member's address.
        await page.get_by_role("link", name="名册").click()
        await page.get_by_label("查找（姓名或编号）").fill("许茂林")
        # HTMX swaps the rows in: the match and the count line.
        await playwright.expect(page.locator("#roster-rows tr")).to_have_count(2)
        await page.screenshot(path=SHOTS / "2-roster.png", full_page=True)
        await page.get_by_role("link", name="修改").click()
        await page.get_by_label("住址").fill("东湖花园5栋2单元")
        await page.get_by_role("button", name="保存").click()
        await page.get_by_text("已保存：住址").wait_for()
        await page.screenshot(path=SHOTS / "3-person.png", full_page=True)
        xu = await branch.h.deps.people.by_ext_id("C003")
        assert xu is not None and xu.residence == "东湖花园5栋2单元"

        # A roster file with a bad row: the row's error, and nothing written.
        await page.goto(desk_url + "/roster/import")
        bad = tmp_path / "名册.xlsx"
        await asyncio.to_thread(bad.write_bytes, _roster_with_a_bad_row())
        await page.get_by_label("选择文件").set_input_files(bad)
        await page.get_by_role("button", name="预览").click()
        problems = page.locator("#import-problems")
        await problems.wait_for()
        assert "第2行" in await problems.inner_text()
        assert await branch.h.deps.people.by_ext_id("C011") is None
        await page.screenshot(path=SHOTS / "4-import.png", full_page=True)

        for n, (name, path) in enumerate((("meetings", "/meetings"), ("care", "/care"),
                                          ("notices", "/notices"), ("report", "/report"),
                                          ("me", "/me")), start=5):
            response = await page.goto(desk_url + path)
            assert response is not None and response.status == 200, path
            await page.screenshot(path=SHOTS / f"{n}-{name}.png", full_page=True)
        # On a phone's screen too.
        await page.set_viewport_size({"width": 390, "height": 844})
        await page.goto(desk_url + "/")
        await page.screenshot(path=SHOTS / "10-overview-phone.png", full_page=True)
        await browser.close()
