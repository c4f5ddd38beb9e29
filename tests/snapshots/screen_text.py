"""The text of a snapshot: what a person reads on the screen, line by line, from Textual's SVG.

Textual draws each run of text as an SVG ``<text>`` element clipped to its terminal line, at ``x``
in pixels of a fixed cell width; put back on a grid of cells they give the screen as text.
"""

from __future__ import annotations

import html
import re

CELL_WIDTH = 12.2
"""The width of one terminal cell in Textual's SVG, in pixels."""

_RUN = re.compile(
    r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
    r'clip-path="url\(#[\w-]+-line-(\d+)\)">([^<]*)</text>'
)


def screen_lines(svg: str) -> list[str]:
    """The screen in ``svg`` as lines of text (trailing spaces dropped)."""
    lines: dict[int, dict[int, str]] = {}
    for x, line, text in _RUN.findall(svg):
        column = round(float(x) / CELL_WIDTH)
        cells = lines.setdefault(int(line), {})
        for offset, char in enumerate(html.unescape(text).replace("\u00a0", " ")):
            cells[column + offset] = char
    if not lines:
        return []
    out = []
    for number in range(max(lines) + 1):
        cells = lines.get(number, {})
        width = max(cells, default=-1) + 1
        out.append("".join(cells.get(i, " ") for i in range(width)).rstrip())
    return out
