"""Readable in 16 colours (TERM=screen, xterm, the Linux console), in both themes.

Textual rounds each 24-bit colour to the nearest of the 16 on such a terminal; the
pairs of text and background the app uses must keep their contrast after that, in
the xterm palette and in the VGA palette (the Linux console's, and Rich's).
"""

from __future__ import annotations

import pytest
from rich.color import (
    STANDARD_PALETTE,  # pyright: ignore[reportPrivateImportUsage] - rich's 16-colour palette
    ColorSystem,
)
from textual.color import Color

XTERM = [
    "000000", "cd0000", "00cd00", "cdcd00", "0000ee", "cd00cd", "00cdcd", "e5e5e5",
    "7f7f7f", "ff0000", "00ff00", "ffff00", "5c5cff", "ff00ff", "00ffff", "ffffff",
]  # fmt: skip
VGA = [STANDARD_PALETTE[i].hex[1:] for i in range(16)]

# (text, background, bold): WCAG asks 4.5:1 of body text, 3:1 of bold or large text.
PAIRS = [
    ("foreground", "background", False),
    ("text-accent", "background", True),  # key numbers: bold underline
    ("text-accent", "background", False),  # links
    ("text-muted", "background", False),  # breadcrumbs, hints, sources
    ("text-primary", "background", True),  # terms
    ("text-secondary", "background", True),  # code
    ("text-warning", "background", False),  # badges
    ("text-error", "background", True),  # "Wrong."
    ("text-success", "background", True),  # "Right."
    ("foreground", "panel", True),  # the status bar
    ("foreground", "panel-lighten-1", False),  # toasts
    ("footer-key-foreground", "footer-background", True),
    ("footer-description-foreground", "footer-background", False),
    ("block-cursor-foreground", "block-cursor-background", True),  # highlighted list rows
]


def resolve(variables: dict[str, str], name: str, under: Color) -> Color:
    """A variable's colour as drawn over ``under`` ("auto 60%", "$panel", "#RRGGBB 50%")."""
    value = variables[name].strip()
    if value.startswith("$"):
        return resolve(variables, value[1:], under)
    head, _, alpha = value.partition(" ")
    share = float(alpha.rstrip("%")) / 100 if alpha else 1.0
    if head == "auto":
        return under + under.get_contrast_text(share)
    return under + Color.parse(head).with_alpha(Color.parse(head).a * share)


def sixteen(color: Color) -> int:
    number = color.rich_color.downgrade(ColorSystem.STANDARD).number
    assert number is not None
    return number


def luminance(hex_rgb: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("theme", ["textual-light", "textual-dark"])
async def test_text_keeps_its_contrast_in_16_colours(make_app, monkeypatch: pytest.MonkeyPatch, theme: str) -> None:
    monkeypatch.setenv("TERM", "screen")
    monkeypatch.delenv("COLORTERM", raising=False)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        await pilot.pause()
        assert app.console.color_system == "standard"
        variables = app.get_css_variables()
        page = Color.parse("#000000" if app.current_theme.dark else "#FFFFFF")
        poor = []
        for text, ground, bold in PAIRS:
            background = resolve(variables, ground, resolve(variables, "background", page))
            foreground = resolve(variables, text, background)
            fg, bg = sixteen(foreground), sixteen(background)
            for name, palette in (("xterm", XTERM), ("VGA", VGA)):
                ratio = contrast(palette[fg], palette[bg])
                if ratio < (3.0 if bold else 4.5):
                    poor.append(f"{text} on {ground}: colour {fg} on {bg}, {ratio:.1f}:1 in {name}")
        assert poor == []


async def test_the_full_colour_look_is_unchanged(make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLORTERM", "truecolor")
    app = make_app()
    async with app.run_test(size=(80, 24)):
        app.theme = "textual-light"
        assert app.get_css_variables()["text-accent"] == app.current_theme.to_color_system().generate()["text-accent"]
