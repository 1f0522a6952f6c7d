"""Line filters: every line the app draws passes through these on its way to the terminal.

Textual applies :meth:`textual.app.App.get_line_filters` to each rendered line of
every widget (borders, scrollbars, toasts, the footer and the command palette
included), so a filter is the one place that can promise "no byte above 0x7f" or
"no colour at all" for everything, Textual's own widgets too.

* :class:`AsciiFilter` (a terminal that is not UTF-8): each character to ASCII in
  the same number of cells (:func:`tui.terminal.ascii_cells`); a partial block
  (``▄``, ``▐``: scrollbar ends, toggle buttons) becomes a whole cell of whichever
  colour covers most of it.
* :class:`NoColorFilter` (``NO_COLOR``): colours dropped, bold, underline, reverse,
  italic, dim and links kept; the list cursor's marker background (see
  :mod:`tui.themes`) becomes reverse video. Textual's own ``Monochrome`` filter
  still sends greys.
"""

from __future__ import annotations

from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter

from tui.terminal import BLOCK_SHARE, ascii_cells
from tui.themes import REVERSE_MARKER

_REVERSE = Style(reverse=True)
_NOT_REVERSE = Style(reverse=False)


@lru_cache(maxsize=1024)
def _filled(style: Style | None) -> Style:
    """The style of a cell painted all in ``style``'s foreground colour."""
    base = style or Style()
    return base + (_NOT_REVERSE if base.reverse else _REVERSE)


class AsciiFilter(LineFilter):
    """Every character as ASCII, each segment keeping its width in cells."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if all(segment.text.isascii() for segment in segments):
            return segments
        out: list[Segment] = []
        append = out.append
        for segment in segments:
            text, style, control = segment
            if text.isascii() or control:
                append(segment)
                continue
            run: list[str] = []
            for char in text:
                share = BLOCK_SHARE.get(char)
                if share is None:
                    run.append(ascii_cells(char))
                    continue
                if run:
                    append(Segment("".join(run), style))
                    run = []
                append(Segment(" ", _filled(style) if share > 0.5 else style))
            if run:
                append(Segment("".join(run), style))
        return out


_MARKER = Style(bgcolor=REVERSE_MARKER).bgcolor


@lru_cache(maxsize=4096)
def colorless(style: Style) -> Style:
    """``style`` with neither foreground nor background colour (attributes, links and
    click actions kept); the background :data:`tui.themes.REVERSE_MARKER` becomes reverse."""
    plain = style.without_color
    meta = style.meta
    if meta:
        plain += Style.from_meta(meta)
    if style.bgcolor is not None and style.bgcolor == _MARKER:
        plain += _REVERSE  # highlighted, whether Textual kept a reverse style or not
    return plain


class NoColorFilter(LineFilter):
    """No colour codes at all: what ``NO_COLOR`` asks for."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            Segment(text, colorless(style) if style is not None else None, control) for text, style, control in segments
        ]
