"""The year-end report: figures from every feature, as a message and an Excel workbook."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook
from PIL import Image

from bot.services.charts import HEIGHT_PX, WIDTH_PX
from tests.conftest import Branch, cli_config


async def test_report_counts_the_year(branch: Branch) -> None:
    h = branch.h
    secretary = await branch.link("王建国")
    leader = await branch.link("刘建华")
    member = await branch.link("尤凤英")
    await branch.arrange(leader, "/meeting 党小组会 12月5日 9:30 活动室 学习")
    [m] = await h.deps.meeting_repo.active()
    h.clock.set(h.deps.meetings.opens_at(m))
    await h.run_job(f"mtg:{m.id}:open")
    branch.fake.press(member, branch.last(branch.group), "✅ 签到")
    await h.settle()
    h.clock.set(datetime.fromisoformat(m.ends_at))
    await h.run_job(f"mtg:{m.id}:close")
    await branch.say(leader, "/visit")
    for step in ("许茂林", "下一步 ➡️", "日常走访", "今天", "只有我", "跳过", "水果 100元",
                 "✅ 保存"):
        await h.tap_or_type(leader, step)
    await branch.say(secretary, "/dues 尤凤英 交 1-12月 240")
    await branch.say(member, "/suggest 多组织参观")
    await branch.say(member, "/deed 帮邻居买菜")

    await branch.say(secretary, "/report")
    text = next(m["text"] for m in reversed(branch.fake.bot_messages(secretary))
                if m.get("text", "").startswith("📊"))
    assert "召开会议：1次（党小组会1）" in text
    assert "出勤率（含代签）：11%（1/9）" in text
    assert "入户走访 / 住院探望 / 生日祝寿：1 / 0 / 0" in text
    assert "慰问金：100元" in text
    assert "党费收 / 支：240.00元 / 0.00元" in text
    assert "建言献策：1条" in text and "好人好事：1条" in text
    assert "补课完成 / 应补：0 / 8" in text  # nine expected, one came
    assert "各人走访次数：刘建华1" in text
    last = branch.fake.bot_messages(secretary)[-3:]
    assert [next(k for k in ("photo", "document") if k in m) for m in last] == [
        "photo", "photo", "document"]  # two charts, then the workbook
    wb = load_workbook(io.BytesIO(branch.fake.uploads["2026年工作报告.xlsx"]))
    summary = {row[0]: row[1] for row in wb["概况"].iter_rows(min_row=2, values_only=True)}
    assert summary["慰问金"] == "100元"
    assert wb["出勤率"]["A2"].value == "12月"
    assert len(wb["出勤率"]._charts) == 1
    assert wb.sheetnames == ["概况", "出勤率", "走访", "知识答题", "测评"]
    column_a = [c.value for c in wb["走访"]["A"] if c.value]
    assert column_a == ["类别", "日常走访", "走访人", "刘建华"]

    await branch.say(leader, "/report")
    assert "这项功能只对书记、支委开放" in branch.reply(leader)


def test_report_command_line(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from bot.__main__ import main

    cfg = cli_config(tmp_path, tmp_path / "r.db")
    out = tmp_path / "report.xlsx"
    assert main(["report", "--year", "2026", "--out", str(out), "--config", str(cfg)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("📊 2026年支部工作报告") and "召开会议：0次" in printed
    assert load_workbook(out)["概况"]["A2"].value == "召开会议"
    for chart in ("2026年各月出勤率.png", "2026年走访慰问.png"):
        with Image.open(tmp_path / chart) as image:
            assert image.size == (WIDTH_PX, HEIGHT_PX)
        assert str(tmp_path / chart) in printed
