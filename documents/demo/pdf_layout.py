"""Hand-made text layout on top of fpdf2 for the demo files.

Text is set with fpdf2's core font Helvetica and `FPDF.text`, which is an order of magnitude
faster than `multi_cell` and matters when the large town renders 20,000 papers. The core fonts
only know Latin-1, so typographic characters are mapped first. Every document gets a fixed
creation date, which makes the bytes depend on the seed and the reference date only.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from functools import lru_cache

from fpdf import FPDF
from fpdf.fonts import CoreFont

FONT = "Helvetica"
LEFT, RIGHT, TOP, BOTTOM = 25.0, 190.0, 28.0, 272.0
WIDTH = RIGHT - LEFT
PT = 25.4 / 72
_LATIN1 = str.maketrans(
    {
        "„": '"',
        "“": '"',
        "”": '"',
        "‚": "'",
        "‘": "'",
        "’": "'",
        "–": "-",
        "—": "-",
        "…": "...",
        "€": "EUR",
        "•": "-",
        "\u00a0": " ",
    }
)


def latin1(text: str) -> str:
    """Text the core fonts can draw: typographic quotes and dashes become plain ones."""
    return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


@lru_cache(maxsize=4)
def _char_widths(style: str) -> dict[str, int]:
    probe = FPDF()
    probe.set_font(FONT, style, 10)
    font = probe.current_font
    assert isinstance(font, CoreFont)
    return dict(font.cw)


def text_width(text: str, style: str, size: float) -> float:
    widths = _char_widths(style)
    return sum(widths.get(c, 556) for c in text) * size / 1000 * PT


@lru_cache(maxsize=2048)
def wrap(text: str, style: str, size: float, width: float) -> tuple[str, ...]:
    """Greedy line breaking at spaces (pool paragraphs repeat, hence the cache)."""
    space = text_width(" ", style, size)
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    for word in latin1(text).split():
        w = text_width(word, style, size)
        if current and used + space + w > width:
            lines.append(" ".join(current))
            current, used = [], 0.0
        used = used + space + w if current else w
        current.append(word)
    if current:
        lines.append(" ".join(current))
    return tuple(lines)


class Sheet(FPDF):
    """An A4 page of the town hall: running header and a page footer on every page."""

    def __init__(self, *, running: str, footer: str, created: datetime.datetime) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running = latin1(running)
        self.footer_text = latin1(footer)
        self.set_creation_date(created)
        self.set_author("Stadt Musterstadt")
        self.set_creator("Ratsinfo – Demo-Stadt Musterstadt")
        self.set_auto_page_break(False)
        self.alias_nb_pages()
        self.y_pos = TOP
        self._font_key: tuple[str, float] = ("", 0.0)

    def use_font(self, style: str, size: float) -> None:
        if self._font_key != (style, size):
            self.set_font(FONT, style, size)
            self._font_key = (style, size)

    def header(self) -> None:
        self.use_font("", 8)
        self.set_text_color(90, 90, 90)
        self.text(LEFT, 14, "Stadt Musterstadt")
        self.text(RIGHT - text_width(self.running, "", 8), 14, self.running)
        self.set_draw_color(150, 150, 150)
        self.line(LEFT, 16, RIGHT, 16)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.use_font("", 8)
        self.set_text_color(90, 90, 90)
        self.set_draw_color(150, 150, 150)
        self.set_line_width(0.2)
        self.line(LEFT, 280, RIGHT, 280)
        self.text(LEFT, 284, self.footer_text)
        # cell(), unlike text(), replaces the total page count alias {nb}.
        self.set_xy(RIGHT - 40, 281.2)
        self.cell(40, 4, f"Seite {self.page_no()} von {{nb}}", align="R")
        self.set_text_color(0, 0, 0)

    def new_page(self) -> None:
        self.add_page()
        self.y_pos = TOP

    def need(self, height: float) -> None:
        if self.y_pos + height > BOTTOM:
            self.new_page()

    def gap(self, height: float) -> None:
        self.y_pos += height

    def lines(self, text: str, *, size: float = 10, style: str = "", indent: float = 0) -> None:
        leading = size * PT * 1.45
        self.use_font(style, size)
        for line in wrap(text, style, size, WIDTH - indent):
            self.need(leading)
            self.text(LEFT + indent, self.y_pos + size * PT, line)
            self.y_pos += leading

    def paragraph(self, text: str) -> None:
        self.lines(text)
        self.gap(2.5)

    def heading(self, text: str, *, size: float = 11.5) -> None:
        # Keep a heading with at least two lines of its section.
        self.need(size * PT * 1.6 + 12)
        self.gap(2)
        self.lines(text, size=size, style="B")
        self.gap(1.5)

    def grid(
        self, rows: Sequence[Sequence[str]], widths: Sequence[float], *, size: float = 9
    ) -> None:
        leading = size * PT * 1.7
        for index, row in enumerate(rows):
            self.need(leading)
            style = "B" if index == 0 else ""
            self.use_font(style, size)
            x = LEFT
            for cell, width in zip(row, widths, strict=True):
                text = latin1(cell)
                while text and text_width(text, style, size) > width - 2:
                    text = text[:-2] + "."
                self.text(x + 1, self.y_pos + size * PT + 0.8, text)
                x += width
            self.set_draw_color(170, 170, 170)
            self.line(LEFT, self.y_pos + leading, LEFT + sum(widths), self.y_pos + leading)
            self.y_pos += leading
        self.gap(3)

    def render(self) -> bytes:
        return bytes(self.output())


def created_at(day: datetime.date) -> datetime.datetime:
    """The fixed creation time written into a demo file made for `day`."""
    return datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=datetime.UTC)
