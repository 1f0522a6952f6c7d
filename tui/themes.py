"""Theme variables for terminals that show fewer colours, or none.

Textual's themes are drawn in 24-bit colour; on a 16-colour terminal (``TERM=screen``,
``xterm``, the Linux console) each colour is rounded to the nearest of the 16, and
some pairs become unreadable: the light theme's key numbers turn yellow on bright
white and its muted headings grey on white; the dark theme's footer keys turn
bright red on grey. :data:`SIXTEEN` replaces those variables with colours of the
16-colour palette itself (the VGA values, which Rich matches exactly), chosen for
contrast in both the VGA and the xterm palettes (``tests/tui/test_themes.py``
measures it).

Under ``NO_COLOR`` (:data:`NO_COLOR`) the cursors of inputs and lists, which
Textual draws with a background colour, are drawn reversed instead (a focused
list's highlighted row), or underlined (a list without the focus).
"""

from __future__ import annotations

# The 16 colours as Rich's STANDARD palette has them: a variable set to one of these
# is sent as that colour's own code.
BLACK, RED, GREEN, BROWN, BLUE, MAGENTA, CYAN, GREY = (
    "#000000",
    "#AA0000",
    "#00AA00",
    "#AA5500",
    "#0000AA",
    "#AA00AA",
    "#00AAAA",
    "#AAAAAA",
)
DARK_GREY, BRIGHT_RED, BRIGHT_GREEN, YELLOW, BRIGHT_BLUE, BRIGHT_MAGENTA, BRIGHT_CYAN, WHITE = (
    "#555555",
    "#FF5555",
    "#55FF55",
    "#FFFF55",
    "#5555FF",
    "#FF55FF",
    "#55FFFF",
    "#FFFFFF",
)

SIXTEEN: dict[str, dict[str, str]] = {
    # Light: a (bright) white background, so dark inks only.
    "light": {
        "text-accent": BLUE,  # key numbers and links
        "text-primary": BLACK,
        "text-secondary": MAGENTA,  # code
        "text-muted": BLACK,  # breadcrumbs, hints, sources: grey on white was too faint
        "text-warning": RED,
        "text-error": RED,
        "text-success": BLUE,
        "footer-key-foreground": BLUE,
        "block-cursor-background": BLUE,
        "block-cursor-foreground": WHITE,
    },
    # Dark: a black background; the status bar, footer and toasts on blue, not grey.
    "dark": {
        "text-success": BRIGHT_GREEN,
        "text-error": BRIGHT_RED,
        "panel": BLUE,
        "panel-lighten-1": BLUE,
        "footer-background": BLUE,
        "footer-key-foreground": YELLOW,
        "footer-description-foreground": WHITE,
        "block-cursor-background": BLUE,
        "block-cursor-foreground": WHITE,
    },
}

# Textual draws a list's highlighted row with the block-cursor background and drops a
# "reverse" text style on the way (Widget.get_visual_style keeps bold and underline
# only), so under NO_COLOR that background is this marker colour, which
# tui.filters.NoColorFilter turns into reverse video when it removes the colours.
REVERSE_MARKER = "#010203"

NO_COLOR: dict[str, str] = {
    "input-cursor-text-style": "reverse",
    "block-cursor-background": REVERSE_MARKER,
    "block-cursor-text-style": "bold",
    "block-cursor-blurred-text-style": "underline",
}


def variables_for(colors: str | None, *, dark: bool, no_color: bool) -> dict[str, str]:
    """The variables to change for a terminal whose Rich colour system is ``colors``
    (``"standard"``: 16 colours) and a theme that is ``dark`` or light."""
    changed: dict[str, str] = {}
    if colors in ("standard", "windows"):
        changed.update(SIXTEEN["dark" if dark else "light"])
    if no_color:
        changed.update(NO_COLOR)
    return changed
