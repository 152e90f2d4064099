"""Chart images: Chinese labels drawn with a font that has every glyph (no empty boxes),
and the pictures' size. Bar heights against data: tests/test_report_year.py."""

from __future__ import annotations

import io
import warnings
from dataclasses import replace

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font
from PIL import Image

from bot import texts
from bot.services.charts import (
    HEIGHT_PX,
    WIDTH_PX,
    attendance_chart,
    font_path,
    report_charts,
    visits_chart,
)
from bot.services.report import Report
from storage.models import VISIT_KINDS, MeetingKind, VisitKind

REPORT = Report(
    year=2026, meetings_by_kind={MeetingKind.STUDY_DAY: 3}, attendance_expected=90,
    attendance_present=70, attendance_proxy=5, attendance_excused=8,
    attendance_by_month={3: 0.8, 4: 0.9, 11: 0.65},
    visits_by_kind={kind: n + 1 for n, kind in enumerate(VISIT_KINDS)}, home_visits=0,
    hospital_visits=0, birthday_visits=0, money_yuan=0, study_posts=0, study_done=0,
    study_expected=0, greetings={}, dues_collected_fen=0, dues_spent_fen=0, suggestions=0,
    good_deeds=0)


def drawn_text() -> str:
    """Every character the charts can draw: their texts, months, counts, visit kinds."""
    parts = [texts.CHART_ATTENDANCE_TITLE.format(year=2026), texts.CHART_ATTENDANCE_AXIS,
             texts.CHART_VISITS_TITLE.format(year=2026), texts.CHART_VISITS_AXIS,
             texts.CHART_EMPTY, texts.REPORT_VALUE_COUNT.format(count=1234567890), "%−.",
             *(texts.MONTH_LABEL.format(month=m) for m in range(1, 13)),
             *texts.VISIT_KIND.values()]
    return "".join(parts)


def test_the_font_has_every_glyph_the_charts_draw() -> None:
    charmap = FT2Font(str(font_path())).get_charmap()
    missing = {c for c in drawn_text() if ord(c) not in charmap}
    assert not missing


def render_warnings(family: str | None) -> list[str]:
    figure = Figure()
    font = FontProperties(family=family) if family else FontProperties(fname=font_path())
    figure.suptitle(drawn_text(), fontproperties=font)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        FigureCanvasAgg(figure).print_png(io.BytesIO())
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_missing_glyphs_would_be_noticed() -> None:
    # The check above is only worth something if a font without the glyphs is caught:
    # matplotlib's default font draws boxes and says so, ours says nothing.
    assert render_warnings("DejaVu Sans")
    assert render_warnings(None) == []


@pytest.mark.parametrize("report", [REPORT, replace(REPORT, attendance_by_month={},
                                                    visits_by_kind={})],
                         ids=["year", "empty"])
def test_charts_are_pngs_of_the_set_size(report: Report) -> None:
    # pytest turns warnings into errors, so a missing glyph here fails the test too.
    charts = report_charts(report)
    assert [name for name, _ in charts] == ["2026年各月出勤率.png", "2026年走访慰问.png"]
    for _, png in charts:
        image = Image.open(io.BytesIO(png))
        assert (image.format, image.size) == ("PNG", (WIDTH_PX, HEIGHT_PX))
        extrema = image.convert("L").getextrema()
        assert isinstance(extrema, tuple) and isinstance(extrema[0], int)
        darkest, lightest = extrema
        assert darkest < 100 and lightest == 255  # text on white


def test_charts_differ_with_the_data() -> None:
    assert attendance_chart(REPORT) != attendance_chart(
        replace(REPORT, attendance_by_month={3: 0.8}))
    assert visits_chart(REPORT) != visits_chart(
        replace(REPORT, visits_by_kind={VisitKind.ROUTINE: 1}))
