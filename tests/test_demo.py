"""`python -m bot demo`: runs offline, tells the story in Chinese, exits 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.demo import run_demo
from storage.db import Database


async def test_demo_plays_the_scene_and_leaves_a_database(tmp_path: Path) -> None:
    db_path = tmp_path / "demo.db"
    transcript = await run_demo(db_path)
    assert "【私聊·张懋】🤖 支部助手：绑定成功！张懋同志" in transcript
    assert "📇 亲情服务卡" in transcript
    assert "抱歉，这项功能只对" in transcript
    assert "退出了这个群" in transcript
    assert "尤凤英同志，已为您签到" in transcript
    assert "许茂林（由刘建华代签到）" in transcript
    assert "🏁 会议已结束：应到 9 · 实到 3 · 请假 1 · 缺席 5" in transcript
    assert "✔️ 曹玉珍：电话传达" in transcript
    assert "何秀兰同志住院了" in transcript
    assert "已记录1条走访" in transcript
    assert "张懋同志，已收到，谢谢！" in transcript
    assert "已记录：许茂林 电话已告知" in transcript
    assert "🌦 天气提醒" in transcript and "寒潮来袭" in transcript
    assert "张懋同志，收到，您平安就好！" in transcript
    # 许茂林 has no phone: his leader's round passes the holiday greeting on.
    assert "📞 请电话转达支部的节日问候" in transcript
    assert "刘建华 点了 [📞许茂林已告知]" in transcript
    # ... and prints the 亲情服务卡 of his group to hand out.
    assert "🤖 支部助手（文件）：亲情服务卡.pdf" in transcript
    assert any(word in transcript for word in ("元旦", "春节", "元宵", "端午", "建党", "建军",
                                               "中秋", "重阳", "国庆"))
    db = await Database.open(db_path)
    try:
        rows = await db.fetchall("SELECT name FROM people WHERE tg_user_id IS NOT NULL")
        assert {r["name"] for r in rows} == {"王建国", "张懋", "李秀英", "李平", "刘建华",
                                             "尤凤英", "孔繁荣", "何秀兰"}
    finally:
        await db.close()


def test_demo_command_exits_zero_without_token_or_network(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"], capture_output=True, text=True, timeout=120,
        env=env, cwd=tmp_path, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "绑定成功" in result.stdout
    assert result.stderr == ""


def test_demo_web_serves_the_desk_with_the_secretarys_link(tmp_path: Path) -> None:
    """`demo --web`: the scene, then the desk on 127.0.0.1 with a login link that works,
    until the process is told to stop (SIGTERM), which ends it cleanly."""
    import re
    import signal
    import socket

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bot", "demo", "--web", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env)
    try:
        assert proc.stdout is not None
        link = None
        ready = False
        for line in proc.stdout:  # the transcript, then (once it listens) the link
            ready = ready or "网页工作台已在本机开启" in line
            if ready and "/login?t=" in line:
                link = line.strip()
                break
        assert link and link.startswith(f"http://127.0.0.1:{port}/login?t="), link
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as c:
            page = c.get(link[link.index("/login"):])
            assert "进入工作台" in page.text
            done = c.post("/login", data={"t": link.split("t=", 1)[1]})
            assert done.status_code == 303
            overview = c.get("/")
            assert overview.status_code == 200
            assert re.search(r"第一党小组（幸福里）</td><td>\d+", overview.text)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()  # never leave a server behind the test
            proc.communicate()
            raise
    assert proc.returncode == 0, err
