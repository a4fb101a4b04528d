"""Text that stays inside its box on a printed page: wrap, then shrink, then shorten with an ellipsis.

Catalogue names run to 500 characters and base URLs to a hundred; a slip
or a card has a few centimetres. Each piece of text gets a largest and a
smallest size and a most number of lines: it wraps at the largest size
that fits, and only what still does not fit at the smallest is cut, with
"…", so nothing is ever drawn over a cut line.
"""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

LEADING = 1.2  # line height ÷ font size
ELLIPSIS = "…"


@dataclass(frozen=True)
class Fitted:
    font: str
    size: float
    lines: tuple[str, ...]

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING


def _shorten(line: str, font: str, size: float, width: float) -> str:
    """The line cut at a word (or a character) so that it and an ellipsis fit the width."""
    while line and stringWidth(line + ELLIPSIS, font, size) > width:
        cut = line.rstrip().rfind(" ")
        line = line[:cut] if cut > 0 and stringWidth(line[:cut] + ELLIPSIS, font, size) <= width else line[:-1]
    return line.rstrip(" ,;:–-") + ELLIPSIS


def _split(text: str, font: str, size: float, width: float) -> list[str]:
    lines = []
    for line in simpleSplit(text, font, size, width):
        # simpleSplit leaves a word longer than the width whole (a URL): break it by characters
        while stringWidth(line, font, size) > width:
            k = len(line)
            while k > 1 and stringWidth(line[:k], font, size) > width:
                k -= 1
            lines.append(line[:k])
            line = line[k:]
        lines.append(line)
    return lines


def fit(text: str, font: str, size: float, width: float, max_lines: int = 1, min_size: float | None = None) -> Fitted:
    """The largest size from `size` down to `min_size` at which `text` wraps into `max_lines` lines of `width`."""
    low = min_size or size
    current = size
    while True:
        lines = _split(" ".join(text.split()), font, current, width)
        if len(lines) <= max_lines or current <= low:
            break
        current = max(low, round(current - 0.25, 2))
    if len(lines) > max_lines:
        lines = lines[:max_lines - 1] + [_shorten(lines[max_lines - 1] + " " + " ".join(lines[max_lines:]),
                                                  font, current, width)]
    return Fitted(font, current, tuple(lines))


def scaled(pieces: list[tuple[str, str, float, int, float]], width: float, height: float,
           gap: float = 0.0) -> list[Fitted]:
    """Fit every (text, font, size, max_lines, min_size) piece, shrinking all alike until they fit `height`."""
    scale = 1.0
    while True:
        fitted = [fit(t, f, s * scale, width, n, m * scale) for t, f, s, n, m in pieces]
        total = sum(p.height for p in fitted) + gap * (len(fitted) - 1)
        if total <= height or scale <= 0.5:
            return fitted
        scale = round(scale - 0.05, 2)
