"""What the terminal can show (tui.terminal) and the line filters that hold the app to it (tui.filters)."""

from __future__ import annotations

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.color import Color

from tui.filters import AsciiFilter, NoColorFilter
from tui.terminal import Terminal, ascii_cells, ascii_course, detect, to_ascii, utf8_locale

BLACK = Color(0, 0, 0)


# ------------------------------------------------------------------ detection


@pytest.mark.parametrize(
    ("environ", "utf8"),
    [
        ({}, False),  # no locale at all: the C locale
        ({"LANG": "C"}, False),
        ({"LANG": "POSIX"}, False),
        ({"LANG": "en_US"}, False),  # ISO-8859-1
        ({"LANG": "en_US.ISO-8859-1"}, False),
        ({"LANG": "en_US.UTF-8"}, True),
        ({"LANG": "C.utf8"}, True),
        ({"LANG": "de_DE.utf-8@euro"}, True),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "C"}, False),  # LC_ALL wins
        ({"LANG": "C", "LC_CTYPE": "en_GB.UTF-8"}, True),  # then LC_CTYPE
        ({"LANG": "C.UTF-8", "LC_ALL": ""}, True),  # an empty variable does not count
    ],
)
def test_the_locale_decides_as_the_c_library_does(environ: dict[str, str], utf8: bool) -> None:
    assert utf8_locale(environ) is utf8


def test_detect_reads_ascii_colour_and_line_mode() -> None:
    utf8 = {"LANG": "en_US.UTF-8", "TERM": "xterm-256color"}
    assert detect(utf8) == Terminal(ascii=False, color=True, line_mode=None)
    assert detect({**utf8, "AWSTUTOR_ASCII": "1"}).ascii
    assert not detect({**utf8, "AWSTUTOR_ASCII": "0"}).ascii
    assert detect(utf8, ascii=True).ascii
    assert detect({"LANG": "C", "TERM": "screen"}).ascii
    assert not detect({**utf8, "NO_COLOR": "1"}).color
    dumb = detect({**utf8, "TERM": "dumb"})
    assert not dumb.color and dumb.line_mode and "TERM=dumb" in dumb.line_mode
    assert detect({"LANG": "en_US.UTF-8"}).line_mode  # no TERM at all
    assert detect(utf8, plain=True).line_mode == "--plain"


def test_pythons_own_c_locale_fix_is_seen_through(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python turns LANG=C into LC_CTYPE=C.UTF-8 for itself (PEP 538, then UTF-8 mode);
    the terminal is still a C-locale one."""
    import sys

    for name in ("LC_ALL", "PYTHONUTF8"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C")
    monkeypatch.setenv("LC_CTYPE", "C.UTF-8")
    monkeypatch.setattr(sys, "flags", type("Flags", (), {"utf8_mode": 1})())
    assert detect().ascii
    monkeypatch.setattr(sys, "flags", type("Flags", (), {"utf8_mode": 0})())  # set by the user
    assert not detect().ascii


# ------------------------------------------------------------------ transliteration


def test_course_typography_in_ascii() -> None:
    assert to_ascii("a – b — c × d · e “q” it’s…") == 'a - b - c x d - e "q" it\'s...'
    assert to_ascii("S3 → SQS ≤ 10 µs") == "S3 -> SQS <= 10 us"
    assert to_ascii("café naïve") == "cafe naive"
    assert to_ascii("plain") == "plain"
    assert to_ascii("\u6f22") == "?"


@pytest.mark.parametrize(
    ("char", "cells"),
    [
        ("╭", "+"),
        ("╮", "+"),
        ("─", "-"),
        ("│", "|"),
        ("┼", "+"),
        ("━", "="),  # heavy lines: the border of a focused box under NO_COLOR
        ("═", "="),
        ("┃", "|"),
        ("…", "~"),
        ("×", "x"),
        ("·", "-"),
        ("\U0001f50e", "> "),  # the palette's search icon, two cells
        ("\u6f22", "??"),  # any other wide character keeps its two cells
        ("\u0301", ""),  # a combining accent takes no cell
    ],
)
def test_glyphs_keep_their_width(char: str, cells: str) -> None:
    assert ascii_cells(char) == cells


def test_the_whole_course_can_be_ascii(course) -> None:
    plain = ascii_course(course)
    assert [t.id for t in plain.topics] == [t.id for t in course.topics]
    assert plain.entries.keys() == course.entries.keys()
    assert plain.questions.keys() == course.questions.keys()

    def texts(value):
        import dataclasses

        if isinstance(value, str):
            yield value
        elif isinstance(value, tuple):
            for item in value:
                yield from texts(item)
        elif dataclasses.is_dataclass(value):
            for f in dataclasses.fields(value):
                yield from texts(getattr(value, f.name))

    assert not [t for t in texts(course.topics) if t.isascii()] == list(texts(course.topics))  # there is typography
    assert all(text.isascii() for text in texts(plain.topics))


# ------------------------------------------------------------------ the filters


def cells(segments: list[Segment]) -> int:
    return sum(segment.cell_length for segment in segments)


def test_ascii_filter_keeps_every_line_its_width() -> None:
    line = [
        Segment("╭─ Update ─╮", Style(color="red")),
        Segment(" 🔎 Search for commands… ", Style(bold=True)),
        Segment("▐", Style(color="blue", bgcolor="white")),
        Segment("X", Style(bgcolor="blue")),
        Segment("▌", Style(color="blue", bgcolor="white")),
        Segment("plain ascii"),
    ]
    out = AsciiFilter().apply(line, BLACK)
    assert "".join(s.text for s in out).isascii()
    assert cells(out) == cells(line)
    assert "".join(s.text for s in out).startswith("+- Update -+ >  Search for commands~ ")


def test_ascii_filter_turns_part_blocks_into_whole_cells() -> None:
    """A scrollbar's end: the thumb covers most of the cell, so the cell is the thumb."""
    thumb = Style(color="magenta", bgcolor="grey50")
    out = AsciiFilter().apply([Segment("▆", thumb), Segment("▂", thumb)], BLACK)
    assert [s.text for s in out] == [" ", " "]
    first, second = out[0].style, out[1].style
    assert first is not None
    assert second is not None
    assert first.reverse
    assert not second.reverse


def test_no_color_filter_drops_colour_and_keeps_the_rest() -> None:
    click = Style.from_meta({"@click": "screen.follow_link(1)"})
    styled = Style(color="yellow", bgcolor="white", bold=True, underline=True, reverse=True) + click
    out = NoColorFilter().apply([Segment("24 RCU", styled), Segment(" ", None)], BLACK)
    style = out[0].style
    assert style is not None
    assert style.color is None and style.bgcolor is None
    assert style.bold and style.underline and style.reverse
    assert style.meta.get("@click") == "screen.follow_link(1)"
    assert out[1] == Segment(" ", None)


async def test_the_app_uses_our_filters_instead_of_textuals_greys(make_app) -> None:
    from textual.filter import ANSIToTruecolor, Monochrome

    app = make_app(terminal=Terminal(ascii=True, color=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        kinds = [type(f) for f in app.get_line_filters()]
        assert kinds == [AsciiFilter, NoColorFilter]
        assert Monochrome not in kinds and ANSIToTruecolor not in kinds
        assert app.no_color  # the :nocolor styles apply
        assert app.tutor.course.entry("iam-ec2/region") is not None
        assert all(e.term.isascii() for e in app.tutor.course.entries.values())


# ------------------------------------------------------------------ the commands


def test_lookup_prints_ascii_on_a_c_locale(cli) -> None:
    query = ("lookup", "iam", "best", "practices", "general")
    utf8 = cli(*query, env={"LC_ALL": "C.UTF-8"})
    assert utf8.returncode == 0 and not utf8.stdout.isascii()  # "–" and "·"
    for env, args in (({"LC_ALL": "C"}, ()), ({"LC_ALL": "C.UTF-8", "AWSTUTOR_ASCII": "1"}, ()), ({}, ("--ascii",))):
        result = cli(*query, *args, env=env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.isascii(), (env, args)
        assert "IAM Best Practices - General - part of IAM Best Practices" in result.stdout
    exact = cli(*query, "--json", env={"LC_ALL": "C"})
    assert exact.stdout.isascii() and "\\u2013" in exact.stdout  # JSON stays exact, with escapes


def test_calc_and_progress_print_ascii_on_a_c_locale(cli) -> None:
    for args in (("calc", "rcu", "--item-kb", "12", "--reads", "16"), ("progress",), ("topics",)):
        result = cli(*args, env={"LC_ALL": "C"})
        assert result.returncode == 0, result.stderr
        assert result.stdout.isascii() and result.stderr.isascii(), args


def filtered(app, widget, y: int) -> list[Segment]:
    """Line ``y`` of ``widget`` as it reaches the terminal (after the app's line filters)."""
    strip = widget.render_line(y)
    for line_filter in app.get_line_filters():
        strip = strip.apply_filter(line_filter, BLACK)
    return list(strip)


async def test_without_colour_the_highlighted_rows_are_reversed(make_app, until, monkeypatch) -> None:
    """Textual marks a list's highlighted row with a background colour (and drops a reverse
    text style on its way); under NO_COLOR the row must still stand out."""
    from textual.command import CommandList, CommandPalette

    from tui.widgets.topic_tree import TopicTree

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        tree = app.screen.query_one(TopicTree)
        row = filtered(app, tree, tree.cursor_line)
        region = next(s for s in row if "Region" in s.text)
        assert region.style is not None
        assert region.style.reverse and region.style.color is None and region.style.bgcolor is None
        assert not any(s.style and s.style.reverse for s in filtered(app, tree, tree.cursor_line + 1) if s.text.strip())
        await pilot.press("escape", "ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"visibility")
        commands = app.screen.query_one(CommandList)
        await until(pilot, lambda: commands.option_count > 0 and commands.highlighted == 0)
        first = filtered(app, commands, 0)
        assert any(s.style and s.style.reverse and "SQS Visibility" in s.text for s in first), first
