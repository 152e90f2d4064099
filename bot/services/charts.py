"""Chart images for the year-end report: attendance by month and visits by kind, as PNG.

Rendered with matplotlib's Agg backend (no screen, no pyplot state). Chinese labels need
a font that has the glyphs; the usual Linux fonts (DejaVu) have none and would print
empty boxes. The font is Noto Sans CJK SC (SIL Open Font License), which the `mplfonts`
package carries inside its wheel; that makes `pip install` enough on any machine, with
no system fonts to install. Every text drawn names that font explicitly.

Rendering takes a few hundred milliseconds the first time (the font file is large), so
the bot draws in a worker process (`bot.services.offload`); a lock keeps the renders one
at a time where they run in threads.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from bot import texts
from storage.models import VisitKind

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.font_manager import FontProperties

    from bot.services.report import Report

WIDTH_PX, HEIGHT_PX = 1200, 675  # 16:9; Telegram shows photos up to 1280 px unscaled
DPI = 150
BAR = "#c0392b"
_lock = threading.Lock()


def font_path() -> Path:
    """The CJK font shipped in the `mplfonts` wheel."""
    path = resources.files("mplfonts").joinpath("fonts", "NotoSansCJKsc-Regular.otf")
    return Path(str(path))


@cache
def _font() -> FontProperties:
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=font_path())


def _render(draw: Callable[..., None], *args: object) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _lock:
        figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI,
                        layout="constrained")
        ax = figure.add_subplot()
        draw(ax, _font(), *args)
        for label in ax.get_xticklabels() + ax.get_yticklabels():
            label.set_fontproperties(_font())
            label.set_fontsize(12)
        ax.spines[["top", "right"]].set_visible(False)
        buffer = io.BytesIO()
        FigureCanvasAgg(figure).print_png(buffer)
        return buffer.getvalue()


def _attendance(ax: Axes, font: FontProperties, year: int,
                by_month: Mapping[int, float]) -> None:
    months = list(range(1, 13))
    rates = [round(by_month[m] * 100) if m in by_month else 0 for m in months]
    bars = ax.bar(months, rates, color=BAR, width=0.65)
    ax.bar_label(bars, labels=[f"{r}%" if m in by_month else "" for m, r in
                               zip(months, rates, strict=True)],
                 fontproperties=font, fontsize=11, padding=2)
    ax.set_xticks(months, [texts.MONTH_LABEL.format(month=m) for m in months])
    ax.set_ylim(0, 110)
    ax.set_yticks(range(0, 101, 20))
    ax.set_ylabel(texts.CHART_ATTENDANCE_AXIS, fontproperties=font, fontsize=13)
    ax.set_title(texts.CHART_ATTENDANCE_TITLE.format(year=year), fontproperties=font,
                 fontsize=17)
    if not by_month:
        ax.text(6.5, 55, texts.CHART_EMPTY, ha="center", fontproperties=font, fontsize=15)


def _visits(ax: Axes, font: FontProperties, year: int,
            by_kind: Mapping[VisitKind, int]) -> None:
    kinds = sorted(by_kind, key=lambda k: by_kind[k])  # largest on top
    bars = ax.barh([texts.VISIT_KIND[k] for k in kinds], [by_kind[k] for k in kinds],
                   color=BAR, height=0.6)
    ax.bar_label(bars, labels=[texts.REPORT_VALUE_COUNT.format(count=by_kind[k]) for k in kinds],
                 fontproperties=font, fontsize=12, padding=3)
    ax.set_xlabel(texts.CHART_VISITS_AXIS, fontproperties=font, fontsize=13)
    ax.set_title(texts.CHART_VISITS_TITLE.format(year=year), fontproperties=font,
                 fontsize=17)
    ax.margins(x=0.15)
    if not by_kind:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.text(0.5, 0.5, texts.CHART_EMPTY, ha="center", transform=ax.transAxes,
                fontproperties=font, fontsize=15)


def attendance_chart(report: Report) -> bytes:
    """Bars for the attendance rate (present and proxy over expected) of each month."""
    return _render(_attendance, report.year, report.attendance_by_month)


def visits_chart(report: Report) -> bytes:
    """Horizontal bars for the year's visits by kind."""
    return _render(_visits, report.year, report.visits_by_kind)


def warm() -> None:
    """Load matplotlib and the CJK font by drawing an empty chart (the worker does this
    as the bot starts, `bot.reader`): the first `/report` after each start-up spent
    0.4-0.5 s on them."""
    _render(_attendance, 2000, {})


def report_charts(report: Report) -> list[tuple[str, bytes]]:
    """(file name, PNG) for each chart the report sends."""
    return [
        (texts.CHART_ATTENDANCE_FILE.format(year=report.year), attendance_chart(report)),
        (texts.CHART_VISITS_FILE.format(year=report.year), visits_chart(report)),
    ]
