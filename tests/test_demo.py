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
