"""Paper for the people on paper (seed 001: 印在服务卡上，发放给所有老党员人手一张): A4 PDFs in
large type — every member's 亲情服务卡, the 联络图 of each group, and a meeting's sign-in
sheet for 线下签到. fpdf2 draws them with the CJK font the charts already ship
(`bot.services.charts.font_path`), embedded and subset, so they print anywhere.

Layout only; who is on which sheet is decided by the caller through the services.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot import texts
from bot.services.charts import font_path
from bot.services.paper import Card
from bot.ui.views import spoken_phone
from storage.models import Group, Person

if TYPE_CHECKING:
    from fpdf import FPDF

FONT = "cjk"
TITLE_PT, BODY_PT, SMALL_PT = 26, 20, 14  # for eyes over seventy
LINE_MM = 12


def _pdf() -> FPDF:
    # Imported here: fpdf2 brings Pillow and NumPy (35 MB resident), needed only when
    # something is printed (bench/footprint.py).
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font(FONT, fname=str(font_path()))
    pdf.set_title(texts.PAPER_TITLE)
    return pdf


def _line(pdf: FPDF, text: str, size: int = BODY_PT, height: float = LINE_MM) -> None:
    pdf.set_font(FONT, size=size)
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def service_cards(cards: Sequence[Card]) -> bytes:
    """Two cards to a page, a dashed line between them to cut along."""
    pdf = _pdf()
    for i, card in enumerate(cards):
        if i % 2 == 0:
            pdf.add_page()
        else:
            pdf.set_y(148.5)
            pdf.set_dash_pattern(dash=2, gap=2)
            pdf.line(10, 146, 200, 146)
            pdf.set_dash_pattern()
        _line(pdf, texts.PAPER_CARD_TITLE, TITLE_PT, 16)
        _line(pdf, texts.PAPER_CARD_NAME.format(name=card.person.name,
                                                group=card.person.group_name or texts.NO_GROUP))
        if card.leader is not None:
            _line(pdf, texts.PAPER_CARD_LEADER.format(name=card.leader.name,
                                                      phone=spoken_phone(card.leader.phone)))
        for s in card.secretaries:
            if card.leader is None or s.id != card.leader.id:  # one line a person
                _line(pdf, texts.PAPER_CARD_SECRETARY.format(name=s.name,
                                                             phone=spoken_phone(s.phone)))
        if card.hotline:
            _line(pdf, texts.PAPER_CARD_HOTLINE.format(phone=card.hotline))
        _line(pdf, texts.PAPER_CARD_FOOTER.format(branch=card.branch), SMALL_PT, 9)
    return bytes(pdf.output())


def contact_map(groups: Sequence[Group], people: Sequence[Person]) -> bytes:
    """The 联络图: one page a group, its leader first, each member with phone and address."""
    pdf = _pdf()
    by_id = {p.id: p for p in people}
    for g in groups:
        members = [p for p in people if p.group_id == g.id and p.active]
        pdf.add_page()
        _line(pdf, texts.PAPER_MAP_TITLE.format(group=g.name, count=len(members)), TITLE_PT, 16)
        leader = by_id.get(g.leader_id) if g.leader_id else None
        _line(pdf, texts.PAPER_MAP_LEADER.format(
            name=leader.name, phone=spoken_phone(leader.phone)) if leader
            else texts.MAP_NO_LEADER)
        for p in members:
            _line(pdf, texts.PAPER_MAP_MEMBER.format(
                name=p.name, phone=spoken_phone(p.phone), address=p.residence or ""),
                BODY_PT - 2, 10)
    if not groups:
        pdf.add_page()
        _line(pdf, texts.MAP_EMPTY)
    return bytes(pdf.output())


def sign_in_sheet(title: str, people: Sequence[Person]) -> bytes:
    """线下签到: a row a person, room to sign; the leader records it later with /proxy."""
    pdf = _pdf()
    pdf.add_page()
    _line(pdf, texts.PAPER_SIGN_TITLE, TITLE_PT, 16)
    _line(pdf, title, SMALL_PT + 2, 9)
    pdf.ln(4)
    pdf.set_font(FONT, size=BODY_PT)
    widths = (50, 80, 60)
    for label, width in zip(texts.PAPER_SIGN_COLUMNS, widths, strict=True):
        pdf.cell(width, 14, label, border=1, align="C")
    pdf.ln()
    for p in people:
        pdf.cell(widths[0], 16, p.name, border=1, align="C")
        pdf.cell(widths[1], 16, "", border=1)
        pdf.cell(widths[2], 16, "", border=1)
        pdf.ln()
    return bytes(pdf.output())
