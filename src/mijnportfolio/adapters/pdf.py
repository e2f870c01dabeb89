"""The assessment form (blank, for notes on paper) and the assessment result as an A4 PDF, with
fpdf2 and the Source Sans Pro font from PyPI (it has every Dutch character, ĳ included).

The text is wrapped here rather than by fpdf2's ``multi_cell``: measuring and drawing then use
the very same lines, so a block measured to fit does fit, and it is several times faster. Every
block (a criterion, a heading with its first criterion) is measured before it is drawn and moves
to a new page as a whole when it does not fit; only a block taller than a page breaks, and then
between its lines.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from importlib.resources import as_file, files
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

import attrs
from fpdf import FPDF
from fpdf.fonts import TTFFont

from mijnportfolio.application.ports.assessment import (
    AssessmentDocument,
    FormCriterion,
    FormGrade,
    FormPart,
)
from mijnportfolio.domain.examination.local_time import format_moment

Color = tuple[int, int, int]

FAMILY = "SourceSansPro"
_FONT_PACKAGE = "font_source_sans_pro"
_FONT_FILES = {"": "SourceSansPro-Regular.ttf", "B": "SourceSansPro-Bold.ttf", "I": "SourceSansPro-It.ttf"}

INK: Color = (33, 37, 41)
MUTED: Color = (96, 104, 112)
ACCENT: Color = (0, 66, 122)
RULE: Color = (190, 196, 203)
BAND: Color = (232, 239, 247)
SOFT: Color = (244, 246, 248)
CHOSEN: Color = (255, 240, 196)
RED: Color = (176, 32, 40)
GREEN: Color = (25, 120, 60)
WHITE: Color = (255, 255, 255)

MARGIN = 16.0
TOP = 15.0
BOTTOM = 20.0  # room for the footer
FOOTER_Y = -14.0
EMPTY = "—"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _clean(text: str) -> str:
    """Text as typed into a browser: CR/LF pairs, tabs and stray control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = _CONTROL.sub("", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _aware(value: dt.datetime) -> dt.datetime:
    # The domain hands out aware UTC; a naive value can only be UTC read back from SQLite.
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _moment(value: dt.datetime) -> str:
    return format_moment(_aware(value))


def _score_list(scores: Iterable[int]) -> str:
    return ", ".join(str(s) for s in sorted(set(scores)))


def _justification_note(scores: Sequence[int]) -> str:
    """Which scores need a justification, as a blank form tells the examiner."""
    if not scores:
        return "Onderbouwing (niet verplicht)"
    return f"Onderbouwing verplicht bij score {_score_list(scores)}"


@attrs.frozen
class _Font:
    style: str = ""
    size: float = 10.0
    color: Color = INK


BODY = _Font()
BOLD = _Font("B")
SMALL = _Font("", 8.5)
SMALL_BOLD = _Font("B", 8.5)
SMALL_MUTED = _Font("", 8.5, MUTED)
NOTE = _Font("I", 8.5, MUTED)


@attrs.frozen
class _Column:
    """Lines of one font at ``x`` (from the left margin); ``boxed`` draws a frame around them."""

    x: float
    width: float
    lines: tuple[str, ...]
    font: _Font
    align: str = "L"
    boxed: Color | None = None


@attrs.frozen
class _Row:
    """Columns side by side sharing one line height; breaks between lines only if taller than a page."""

    columns: tuple[_Column, ...]
    line_height: float
    pad_top: float = 0.0
    pad_bottom: float = 0.0
    fill: Color | None = None

    @property
    def line_count(self) -> int:
        return max((len(c.lines) for c in self.columns), default=0)

    @property
    def height(self) -> float:
        return self.pad_top + self.line_count * self.line_height + self.pad_bottom


@attrs.frozen
class _Shape:
    """Something of a fixed height drawn with lines and rectangles (tick boxes, ruling)."""

    height: float
    draw: Callable[[float], None]  # gets the top y


@attrs.frozen
class _Gap:
    height: float


@attrs.frozen
class _NewPage:
    height: float = 0.0


_Item = _Row | _Shape | _Gap | _NewPage


@attrs.frozen
class _Block:
    """Items that stay on one page; ``keep_with_next`` keeps a heading with what follows it."""

    items: tuple[_Item, ...]
    keep_with_next: bool = False

    @property
    def height(self) -> float:
        return sum(item.height for item in self.items)


def _measurer(pdf: _Pdf) -> Callable[[str], float]:
    """``get_string_width`` in the current font, remembered per word: forms repeat their words."""
    font = (pdf.font_family, pdf.font_style, pdf.font_size_pt)
    cache = pdf.widths

    def measure(text: str) -> float:
        key = (*font, text)
        width = cache.get(key)
        if width is None:
            width = cache[key] = pdf.get_string_width(text)
        return width

    return measure


def _wrap(pdf: _Pdf, text: str, width: float) -> list[str]:
    """Greedy word wrap in the current font; a word wider than the line is cut by characters."""
    lines: list[str] = []
    measure = _measurer(pdf)
    space = measure(" ")
    for paragraph in text.split("\n"):
        words = paragraph.split()
        if not words:
            lines.append("")
            continue
        current, current_width = "", 0.0
        for word in words:
            word_width = measure(word)
            if current and current_width + space + word_width <= width + 0.01:
                current, current_width = f"{current} {word}", current_width + space + word_width
                continue
            if current and word_width > width + 0.01:
                # A word longer than a line (a web address) fills up this line before it breaks.
                cut = _fitting_prefix(pdf, word, width - current_width - space)
                if cut >= 4:
                    lines.append(f"{current} {word[:cut]}")
                    word = word[cut:]
                    word_width = measure(word)
                    current = ""
            if current:
                lines.append(current)
            while word_width > width + 0.01 and len(word) > 1:
                cut = max(_fitting_prefix(pdf, word, width), 1)
                lines.append(word[:cut])
                word = word[cut:]
                word_width = measure(word)
            current, current_width = word, word_width
        lines.append(current)
    return lines


def _fitting_prefix(pdf: FPDF, word: str, width: float) -> int:
    """How many characters of ``word`` fit in ``width`` (0 when not one does), cut after a '-' or
    '/' when there is one in the second half of the part that fits."""
    low, high = 0, len(word) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if pdf.get_string_width(word[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    soft = max(word.rfind("-", 0, low), word.rfind("/", 0, low))
    return soft + 1 if soft >= low // 2 and soft > 0 else low


class _Pdf(FPDF):
    def __init__(self, generated: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = "MijnPortfolio"
        self.generated = generated
        self.running_head = ""  # the part a page continues, so that a loose sheet says where it belongs
        self.widths: dict[tuple[str, str, float, str], float] = {}

    def header(self) -> None:
        if not self.running_head or self.page_no() == 1:
            return
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*MUTED)
        self.set_xy(self.l_margin, 8.0)
        self.cell(self.epw, 4, _shortened(self, self.running_head, self.epw), align="L")
        self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_y(FOOTER_Y)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(self.l_margin, self.y - 1.5, self.w - self.r_margin, self.y - 1.5)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*MUTED)
        # The total is filled in when the document closes, hence fpdf2's alias.
        page = f" · pagina {self.page_no()} van {{nb}}"
        right = f"Aangemaakt op {self.generated}"
        room = self.epw - self.get_string_width(right) - 6.0 - self.get_string_width(page)
        self.cell(self.epw, 4, _shortened(self, self.footer_text, room) + page, align="L")
        self.set_x(self.l_margin)
        self.cell(self.epw, 4, right, align="R")


def _shortened(pdf: FPDF, text: str, width: float) -> str:
    """``text``, cut with an ellipsis where it would be wider than ``width``."""
    if pdf.get_string_width(text) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if pdf.get_string_width(text[:middle].rstrip() + "…") <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"


def _glyphs(pdf: FPDF, style: str) -> frozenset[int]:
    font = pdf.fonts[FAMILY.lower() + style]
    return frozenset(font.cmap) if isinstance(font, TTFFont) else frozenset(range(32, 256))


class _Layout:
    """Turns texts into measured rows and places blocks on pages."""

    def __init__(self, pdf: _Pdf) -> None:
        self.pdf = pdf
        self.width = pdf.epw
        self._glyphs = {style: _glyphs(pdf, style) for style in _FONT_FILES}

    # -- text ---------------------------------------------------------------------------------

    def _use(self, font: _Font, text: str = "") -> str:
        """Sets the font for ``text``; returns the style used."""
        style = font.style
        # The italic cut lacks a few glyphs (ĳ among them); such text is set upright.
        if style == "I" and any(ord(ch) not in self._glyphs["I"] for ch in text if not ch.isspace()):
            style = ""
        self.pdf.set_font(FAMILY, style, font.size)
        self.pdf.set_text_color(*font.color)
        return style

    def printable(self, text: str, style: str = "") -> str:
        """``text`` with '?' for what the font cannot show (emoji, Chinese), rather than nothing."""
        glyphs = self._glyphs[style]
        if all(ord(ch) in glyphs or ch in " \n" for ch in text):
            return text
        return "".join(ch if ord(ch) in glyphs or ch in " \n" else "?" for ch in text)

    def lines(self, text: str, width: float, font: _Font) -> tuple[str, ...]:
        text = _clean(text)
        style = self._use(font, text)
        return tuple(_wrap(self.pdf, self.printable(text, style), width))

    def column(self, text: str, *, x: float = 0.0, width: float | None = None, font: _Font = BODY,
               align: str = "L", boxed: Color | None = None) -> _Column:
        width = self.width - x if width is None else width
        return _Column(x, width, self.lines(text, width, font), font, align, boxed)

    def text(self, text: str, *, x: float = 0.0, font: _Font = BODY, line_height: float | None = None,
             pad_top: float = 0.0, pad_bottom: float = 0.0, fill: Color | None = None) -> _Row:
        # On a coloured band the text keeps the same distance from both ends.
        width = self.width - 2 * x if fill else self.width - x
        return _Row(
            (self.column(text, x=x, width=width, font=font),),
            line_height or font.size * 0.47,
            pad_top, pad_bottom, fill,
        )

    def label_value(self, label: str, value: str, *, label_width: float = 34.0, x: float = 0.0,
                    font: _Font = BODY, fill: Color | None = None, pad: float = 0.0) -> _Row:
        label_font = attrs.evolve(font, style="B", color=MUTED)
        return _Row(
            (
                self.column(label, x=x + 2.0, width=label_width - 3.0, font=label_font),
                self.column(value, x=x + label_width, width=self.width - x - label_width - 2.0, font=font),
            ),
            font.size * 0.47, pad, pad, fill,
        )

    # -- placing ------------------------------------------------------------------------------

    @property
    def page_height(self) -> float:
        return self.pdf.page_break_trigger - self.pdf.t_margin

    def _room(self) -> float:
        return self.pdf.page_break_trigger - self.pdf.y

    def _at_top(self) -> bool:
        return self.pdf.y <= self.pdf.t_margin + 0.01

    def _make_room(self, height: float) -> None:
        if height > self._room() + 0.001 and not self._at_top():
            self.pdf.add_page()

    def flow(self, blocks: Sequence[_Block]) -> None:
        """Draws the blocks in order; a block moves to a new page when it (and what it is kept
        with) does not fit in the room left, unless it would not fit on any page."""
        for index, block in enumerate(blocks):
            needed = block.height
            following = index
            while blocks[following].keep_with_next and following + 1 < len(blocks):
                following += 1
                after = blocks[following]
                if after.keep_with_next:
                    needed += after.height
                    continue
                whole = needed + after.height
                needed = whole if whole <= self.page_height else needed + self._first_height(after)
                break
            if needed <= self.page_height:
                self._make_room(needed)
            self.draw_block(block)

    @staticmethod
    def _first_height(block: _Block) -> float:
        for item in block.items:
            if isinstance(item, _Row):
                return item.pad_top + item.line_height
            if isinstance(item, _Shape):
                return item.height
        return 0.0

    def draw_block(self, block: _Block) -> None:
        for item in block.items:
            if isinstance(item, _Gap):
                if item.height < self._room():
                    self.pdf.set_y(self.pdf.y + item.height)
                continue  # a gap at the foot of a page is not carried over
            if isinstance(item, _NewPage):
                if not self._at_top():
                    self.pdf.running_head = ""
                    self.pdf.add_page()
                continue
            if item.height <= self.page_height:
                self._make_room(item.height)
            if isinstance(item, _Shape):
                top = self.pdf.y
                item.draw(top)
                self.pdf.set_y(top + item.height)
            else:
                self._draw_row(item)

    def _draw_row(self, row: _Row) -> None:
        pdf = self.pdf
        count = row.line_count
        if row.height <= self._room() + 0.001:
            # Column by column, so that a text reads (and copies) as one piece, not interleaved
            # with the number or badge beside it.
            top = pdf.y
            self._fill(row, top, row.height)
            for column in row.columns:
                self._draw_column(column, top + row.pad_top, row.line_height, range(len(column.lines)))
            pdf.set_y(top + row.height)
            return
        if row.pad_top:
            self._fill(row, pdf.y, row.pad_top)
            pdf.set_y(pdf.y + row.pad_top)
        for index in range(count):
            last = index == count - 1
            self._make_room(row.line_height + (row.pad_bottom if last else 0.0))
            top = pdf.y
            self._fill(row, top, row.line_height)
            for column in row.columns:
                self._draw_column(column, top, row.line_height, range(index, min(index + 1, len(column.lines))))
            pdf.set_y(top + row.line_height)
        if row.pad_bottom:
            self._fill(row, pdf.y, row.pad_bottom)
            pdf.set_y(pdf.y + row.pad_bottom)

    def _draw_column(self, column: _Column, top: float, line_height: float, indexes: range) -> None:
        """Lines ``indexes`` of ``column``, the first of them at ``top``."""
        pdf = self.pdf
        for offset, index in enumerate(indexes):
            self._use(column.font, column.lines[index])
            pdf.set_xy(pdf.l_margin + column.x, top + offset * line_height)
            pdf.cell(column.width, line_height, column.lines[index], align=column.align)
        if column.boxed and indexes and indexes[0] == 0:
            pdf.set_draw_color(*column.boxed)
            pdf.set_line_width(0.35)
            pdf.rect(pdf.l_margin + column.x, top + 0.3, column.width, line_height * len(column.lines) - 0.6)

    def _fill(self, row: _Row, top: float, height: float) -> None:
        if row.fill:
            self.pdf.set_fill_color(*row.fill)
            # A hair taller than asked, so that stacked slices leave no seam.
            self.pdf.rect(self.pdf.l_margin, top, self.width, height + 0.05, style="F")


class Fpdf2AssessmentPdfWriter:
    """Implements AssessmentPdfWriter."""

    def write(self, document: AssessmentDocument) -> bytes:
        with contextlib.ExitStack() as stack:
            folder = files(_FONT_PACKAGE) / "files"
            # fpdf2 reads the font files again when it subsets them, so they must stay at hand.
            fonts = {style: stack.enter_context(as_file(folder / name)) for style, name in _FONT_FILES.items()}
            return _Renderer(document, fonts).render()


class _Renderer:
    def __init__(self, document: AssessmentDocument, fonts: Mapping[str, Path]) -> None:
        self.doc = document
        self.result = document.kind == "result"
        pdf = _Pdf(_moment(document.generated_at))
        for style, path in fonts.items():
            pdf.add_font(FAMILY, style, path)
        pdf.set_margins(MARGIN, TOP, MARGIN)
        pdf.set_auto_page_break(False, margin=BOTTOM)  # _Layout decides every break
        pdf.c_margin = 0
        pdf.set_title(f"{self._title()} {document.exam_code} {document.student_name}".strip())
        pdf.set_author("MijnPortfolio")
        pdf.set_lang("nl-NL")
        pdf.set_creation_date(_aware(document.generated_at))
        pdf.add_page()
        self.pdf = pdf
        self.layout = _Layout(pdf)
        footer = " · ".join(p for p in ("MijnPortfolio", document.exam_code, document.student_name) if p)
        pdf.footer_text = self.layout.printable(" ".join(_clean(footer).split()))

    def _title(self) -> str:
        return "Beoordelingsresultaat" if self.result else "Beoordelingsformulier"

    def render(self) -> bytes:
        blocks = [*self._header()]
        if self.result:
            blocks += self._summary()
        for index, part in enumerate(self.doc.parts):
            if index and not self.result:
                # Each part of a blank form is assessed on its own day: it starts a sheet of its own.
                blocks.append(_Block((_NewPage(),)))
            blocks += self._part(part)
        self.layout.flow(blocks)
        return bytes(self.pdf.output())

    # -- header -------------------------------------------------------------------------------

    def _header(self) -> list[_Block]:
        doc, lay = self.doc, self.layout
        exam = " – ".join(p for p in (doc.exam_code, doc.exam_name) if p.strip())
        items: list[_Item] = [
            lay.text(self._title(), font=_Font("B", 17, ACCENT), line_height=8.0, pad_bottom=0.0 if exam else 3.0),
        ]
        if exam:
            items.append(lay.text(exam, font=_Font("", 12, INK), line_height=6.0, pad_bottom=3.0))
        pairs = []
        if doc.organisation:
            pairs.append(("Organisatie", doc.organisation))
        pairs += [
            ("Opleiding", doc.programme),
            ("Student", f"{doc.student_name} ({doc.student_number})" if doc.student_number else doc.student_name),
            ("Poging", str(doc.attempt_number)),
        ]
        items.append(_Gap(0.0))
        for index, (label, value) in enumerate(pairs):
            pad_top = 1.6 if index == 0 else 0.4
            pad_bottom = 1.6 if index == len(pairs) - 1 else 0.4
            row = lay.label_value(label, value or EMPTY, fill=SOFT)
            items.append(attrs.evolve(row, pad_top=pad_top, pad_bottom=pad_bottom))
        if self.result:
            color = self._outcome_color()
            items += [
                _Gap(3.0),
                lay.text(f"Uitslag: {doc.outcome_label or EMPTY}", x=3.0, font=_Font("B", 13, WHITE),
                         line_height=6.5, pad_top=2.0, pad_bottom=2.0, fill=color),
            ]
        else:
            note = (
                "Kruis per criterium één score aan (1 tot en met 5) en schrijf de onderbouwing op de "
                f"lijnen eronder. {_justification_note(doc.justification_scores)}."
            )
            if doc.pass_mark:
                note += f" Een kerntaak is behaald vanaf het cijfer {doc.pass_mark}."
            items += [_Gap(3.0), lay.text(note, font=SMALL_MUTED, line_height=4.2)]
        items.append(_Gap(5.0))
        return [_Block(tuple(items))]

    def _outcome_color(self) -> Color:
        verdicts = [g.passed for g in self.doc.grades]
        if verdicts and all(v is True for v in verdicts):
            return GREEN
        if any(v is False for v in verdicts):
            return RED
        return ACCENT

    # -- summary of a result ------------------------------------------------------------------

    def _summary(self) -> list[_Block]:
        doc, lay = self.doc, self.layout
        blocks: list[_Block] = [self._section_heading("Resultaat per kerntaak")]
        if doc.grades:
            blocks.append(_Block((self._grade_row(None),), keep_with_next=True))
            blocks += [self._grade_block(grade, index) for index, grade in enumerate(doc.grades)]
            if doc.pass_mark:
                blocks.append(_Block((
                    _Gap(1.5),
                    lay.text(f"Een kerntaak is behaald bij een cijfer van ten minste {doc.pass_mark}.",
                             font=SMALL_MUTED, line_height=4.2),
                )))
        else:
            blocks.append(_Block((lay.text("Er zijn nog geen cijfers.", font=SMALL_MUTED, line_height=4.2),)))
        if doc.outcome_explanation:
            blocks += [
                _Block((_Gap(4.0), lay.text("Toelichting", font=_Font("B", 11, ACCENT), line_height=5.5,
                                            pad_bottom=1.0)), keep_with_next=True),
                *self._paragraphs(doc.outcome_explanation),
            ]
        if doc.corrections:
            blocks.append(_Block((_Gap(4.0), lay.text("Correcties", font=_Font("B", 11, ACCENT),
                                                      line_height=5.5, pad_bottom=1.0)), keep_with_next=True))
            for correction in doc.corrections:
                blocks.append(_Block((_Row(
                    (lay.column("•", x=1.0, width=4.0), lay.column(correction, x=5.0)), 4.7, 0.0, 1.2,
                ),)))
        blocks.append(_Block((_Gap(6.0),)))
        return blocks

    def _paragraphs(self, text: str) -> list[_Block]:
        lay = self.layout
        return [
            _Block((lay.text(paragraph, line_height=4.7, pad_bottom=1.5),))
            for paragraph in re.split(r"\n\s*\n", _clean(text)) if paragraph.strip()
        ]

    _GRADE_COLUMNS = ((2.0, 25.0), (28.0, 103.0), (133.0, 16.0), (151.0, 26.0))

    def _grade_row(self, grade: FormGrade | None, index: int = 0) -> _Row:
        lay = self.layout
        if grade is None:
            cells = ("Kerntaak", "Titel", "Cijfer", "Resultaat")
            fonts = (SMALL_BOLD,) * 4
            fill: Color | None = BAND
        else:
            verdict = {True: "Behaald", False: "Niet behaald", None: EMPTY}[grade.passed]
            cells = (grade.core_task, grade.title or EMPTY, grade.grade or EMPTY, verdict)
            verdict_color = {True: GREEN, False: RED, None: MUTED}[grade.passed]
            fonts = (BOLD, BODY, BOLD, _Font("B", 10, verdict_color))
            fill = SOFT if index % 2 else None
        columns = tuple(
            lay.column(text, x=x, width=width, font=font, align="R" if position == 2 else "L")
            for position, ((x, width), text, font) in enumerate(zip(self._GRADE_COLUMNS, cells, fonts))
        )
        return _Row(columns, 4.8, 1.2, 1.2, fill)

    def _grade_block(self, grade: FormGrade, index: int) -> _Block:
        lay = self.layout
        items: list[_Item] = [self._grade_row(grade, index)]
        x = self._GRADE_COLUMNS[1][0]
        fill = SOFT if index % 2 else None
        for reason in grade.reasons:
            items.append(_Row(
                (lay.column("–", x=x, width=4.0, font=SMALL_MUTED),
                 lay.column(reason, x=x + 4.0, width=lay.width - x - 6.0, font=SMALL_MUTED)),
                4.0, 0.0, 1.0, fill,
            ))
        items.append(self._rule(0.2))
        return _Block(tuple(items))

    def _rule(self, width: float = 0.2, color: Color = RULE) -> _Shape:
        pdf = self.pdf

        def draw(top: float) -> None:
            pdf.set_draw_color(*color)
            pdf.set_line_width(width)
            pdf.line(pdf.l_margin, top, pdf.l_margin + self.layout.width, top)

        return _Shape(0.4, draw)

    def _section_heading(self, title: str) -> _Block:
        return _Block((
            self.layout.text(title, font=_Font("B", 13, ACCENT), line_height=6.5, pad_bottom=1.5),
        ), keep_with_next=True)

    # -- a part -------------------------------------------------------------------------------

    def _part(self, part: FormPart) -> list[_Block]:
        lay = self.layout
        title = f"Onderdeel {part.number}: {part.title}" if part.title.strip() else f"Onderdeel {part.number}"
        items: list[_Item] = [self._set_running_head(f"{self.doc.exam_code} · {title} (vervolg)".lstrip(" ·")),
                              lay.text(title, x=3.0, font=_Font("B", 13, WHITE), line_height=6.5,
                                       pad_top=2.0, pad_bottom=2.0, fill=ACCENT)]
        facts = []
        if part.starts_at:
            facts.append(("Datum en tijd", _moment(part.starts_at)))
        if part.location:
            facts.append(("Locatie", part.location))
        if part.examiners:
            label = "Examinatoren" if len(part.examiners) > 1 else "Examinator"
            facts.append((label, ", ".join(part.examiners)))
        if self.result and part.assessed_by:
            facts.append(("Beoordeeld door", part.assessed_by))
        if self.result and part.final_at:
            facts.append(("Definitief op", _moment(part.final_at)))
        for index, (label, value) in enumerate(facts):
            row = lay.label_value(label, value, fill=BAND)
            items.append(attrs.evolve(row, pad_top=1.4 if index == 0 else 0.3,
                                      pad_bottom=1.4 if index == len(facts) - 1 else 0.3))
        items.append(_Gap(3.0))
        blocks = [_Block(tuple(items), keep_with_next=bool(part.criteria))]
        if not part.criteria:
            blocks.append(_Block((lay.text("Dit onderdeel heeft geen criteria.", font=SMALL_MUTED,
                                           line_height=4.2),)))
        for core_task, work_processes in _grouped(part.criteria):
            first = work_processes[0][1][0]
            blocks.append(self._core_task_heading(first))
            for _work_process, criteria in work_processes:
                if criteria[0].work_process or criteria[0].work_process_title:
                    blocks.append(self._work_process_heading(criteria[0]))
                blocks += [self._criterion(criterion) for criterion in criteria]
        blocks.append(_Block((self._set_running_head(""), _Gap(6.0))))
        return blocks

    def _set_running_head(self, text: str) -> _Shape:
        def draw(_top: float) -> None:
            self.pdf.running_head = self.layout.printable(" ".join(_clean(text).split()))

        return _Shape(0.0, draw)

    def _core_task_heading(self, criterion: FormCriterion) -> _Block:
        return self._code_heading(criterion.core_task, criterion.core_task_title, "Kerntaak",
                                  _Font("B", 11.5, ACCENT), BAND, gap=2.0)

    def _work_process_heading(self, criterion: FormCriterion) -> _Block:
        return self._code_heading(criterion.work_process, criterion.work_process_title, "Werkproces",
                                  _Font("B", 10.5, INK), None, gap=1.0)

    def _code_heading(self, code: str, title: str, fallback: str, font: _Font, fill: Color | None,
                      gap: float) -> _Block:
        lay = self.layout
        code = _clean(code) or fallback
        self.layout._use(font, code)
        code_width = min(self.pdf.get_string_width(code) + 4.0, lay.width / 3)
        columns = [lay.column(code, x=2.0, width=code_width, font=font)]
        if title.strip():
            columns.append(lay.column(title, x=2.0 + code_width, width=lay.width - code_width - 4.0, font=font))
        items: list[_Item] = [_Gap(gap), _Row(tuple(columns), font.size * 0.5, 1.2, 1.2, fill)]
        if fill is None:
            items.append(self._rule(0.3, ACCENT))
        return _Block(tuple(items), keep_with_next=True)

    # -- a criterion --------------------------------------------------------------------------

    NUMBER_WIDTH = 9.0
    BADGE_WIDTH = 19.0

    def _criterion(self, criterion: FormCriterion) -> _Block:
        lay = self.layout
        indent = self.NUMBER_WIDTH
        text_width = lay.width - indent - (self.BADGE_WIDTH + 3.0 if criterion.knock_out else 0.0)
        columns = [
            lay.column(f"{criterion.number}.", width=indent - 1.0, font=BOLD),
            lay.column(criterion.text or EMPTY, x=indent, width=text_width, font=BOLD),
        ]
        if criterion.knock_out:
            columns.append(lay.column("Knock-out", x=lay.width - self.BADGE_WIDTH, width=self.BADGE_WIDTH,
                                      font=_Font("B", 8.5, RED), align="C", boxed=RED))
        items: list[_Item] = [_Gap(2.5), _Row(tuple(columns), 5.0, 0.0, 1.2)]
        descriptors = sorted((level, text) for level, text in criterion.descriptors if _clean(text))
        if descriptors:
            items.append(lay.text("Beschrijving per score", x=indent, font=NOTE, line_height=4.0,
                                  pad_bottom=0.3))
            for level, text in descriptors:
                chosen = self.result and criterion.score == level
                items.append(_Row(
                    (
                        lay.column(str(level), x=indent + 1.0, width=4.0, font=SMALL_BOLD, align="C"),
                        lay.column(text, x=indent + 7.0, width=lay.width - indent - 9.0,
                                   font=SMALL_BOLD if chosen else SMALL),
                    ),
                    4.1, 0.5, 0.5, CHOSEN if chosen else None,
                ))
            items.append(_Gap(1.2))
        items += self._answer(criterion, indent)
        items += [_Gap(2.0), self._rule()]
        return _Block(tuple(items))

    def _answer(self, criterion: FormCriterion, indent: float) -> list[_Item]:
        lay = self.layout
        if self.result:
            score = str(criterion.score) if criterion.score is not None else EMPTY
            rows: list[_Item] = [
                lay.text(f"Score: {score}", x=indent, font=BOLD, line_height=5.0, pad_top=0.5, pad_bottom=0.5),
                _Row(
                    (lay.column("Onderbouwing:", x=indent, width=24.0, font=SMALL_BOLD),
                     lay.column(criterion.justification.strip() or EMPTY, x=indent + 24.0,
                                width=lay.width - indent - 24.0, font=SMALL)),
                    4.2,
                ),
            ]
            return rows
        return [
            self._tick_boxes(indent),
            lay.text(_justification_note(self.doc.justification_scores), x=indent, font=NOTE, line_height=4.0),
            self._ruling(indent, 3),
        ]

    def _tick_boxes(self, indent: float) -> _Shape:
        pdf, lay = self.pdf, self.layout

        def draw(top: float) -> None:
            x = pdf.l_margin + indent
            lay._use(SMALL_BOLD)
            pdf.set_xy(x, top + 1.0)
            pdf.cell(12.0, 6.0, "Score:")
            pdf.set_draw_color(*INK)
            pdf.set_line_width(0.3)
            lay._use(BODY)
            for position, score in enumerate(range(1, 6)):
                left = x + 13.0 + position * 15.0
                pdf.set_xy(left, top + 1.0)
                pdf.cell(4.0, 6.0, str(score), align="R")
                pdf.rect(left + 5.5, top + 1.0, 6.0, 6.0)

        return _Shape(8.0, draw)

    def _ruling(self, indent: float, count: int) -> _Shape:
        pdf = self.pdf
        spacing = 7.0

        def draw(top: float) -> None:
            pdf.set_draw_color(*RULE)
            pdf.set_line_width(0.25)
            # Dotted, so that lines to write on do not look like the rule between criteria.
            with pdf.local_context():
                pdf.set_dash_pattern(dash=0.6, gap=0.9)
                for line in range(1, count + 1):
                    y = top + line * spacing
                    pdf.line(pdf.l_margin + indent, y, pdf.l_margin + self.layout.width, y)

        return _Shape(count * spacing + 1.0, draw)


def _grouped(
    criteria: Sequence[FormCriterion],
) -> list[tuple[str, list[tuple[str, list[FormCriterion]]]]]:
    """Criteria under their core task and work process, each in the order it first appears;
    the criteria keep their own order within a work process."""
    tasks: dict[str, dict[str, list[FormCriterion]]] = {}
    for criterion in criteria:
        tasks.setdefault(criterion.core_task, {}).setdefault(criterion.work_process, []).append(criterion)
    return [(task, list(processes.items())) for task, processes in tasks.items()]
