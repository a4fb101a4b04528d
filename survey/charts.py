"""Server-rendered SVG charts: bars with interval whiskers, and a monthly trend.

Plain SVG with presentation attributes only (no script, no style attribute),
so the pages keep their strict Content-Security-Policy and print cleanly.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
BAR_COLOUR, LOW_N_COLOUR, WHISKER = "#9b1010", "#c9a3a3", "#1b1b1b"


@dataclass(frozen=True)
class Point:
    """One estimate to draw (percentages; NaN where undefined)."""

    label: str
    estimate: float
    low: float
    high: float
    n: int
    low_n: bool


def _num(x: float) -> str:
    return f"{x:.1f}".replace(".", ",")  # Vietnamese decimal comma


def pct(x: float | None) -> str:
    """A percentage for a page: one decimal with a comma, a dash when undefined."""
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else _num(float(x))


def _ok(*values: float) -> bool:
    return all(v is not None and not math.isnan(v) for v in values)


def _svg(height: float, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="100%" role="img" aria-label="{escape(title)}" font-family="system-ui,sans-serif">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def interval_bars(points: list[Point], title: str, low_n_note: str = "") -> Markup:
    """Horizontal 0–100 % bars with the confidence interval as whiskers."""
    row, left, span = 46, 4, WIDTH - 80
    x = lambda v: left + span * max(0.0, min(100.0, v)) / 100  # noqa: E731
    body = []
    for i, p in enumerate(points):
        top = i * row
        mark = " *" if p.low_n else ""
        body.append(f'<text x="{left}" y="{top + 14}" font-size="13" fill="#1b1b1b">'
                     f"{escape(p.label)}{mark} <tspan fill=\"#555\">(n = {p.n})</tspan></text>")
        body.append(f'<rect x="{left}" y="{top + 20}" width="{span}" height="16" fill="#eef0f3"/>')
        if not _ok(p.estimate):
            continue
        colour = LOW_N_COLOUR if p.low_n else BAR_COLOUR
        body.append(f'<rect x="{left}" y="{top + 20}" width="{x(p.estimate) - left:.1f}" '
                    f'height="16" fill="{colour}"/>')
        if _ok(p.low, p.high):
            lo, hi, mid = x(p.low), x(p.high), top + 28
            body.append(f'<path d="M{lo:.1f} {mid}H{hi:.1f}M{lo:.1f} {mid - 6}v12M{hi:.1f} {mid - 6}v12" '
                        f'stroke="{WHISKER}" stroke-width="1.5" fill="none"/>')
        body.append(f'<text x="{WIDTH - 4}" y="{top + 33}" font-size="13" text-anchor="end" '
                    f'font-weight="600">{_num(p.estimate)}</text>')
    height = max(1, len(points)) * row + (18 if low_n_note else 0)
    if low_n_note:
        body.append(f'<text x="{left}" y="{height - 4}" font-size="12" fill="#555">{escape(low_n_note)}</text>')
    return _svg(height, title, body)


def trend(points: list[Point], title: str) -> Markup:
    """Monthly estimates as a line with interval whiskers; the y axis spans the data."""
    height, left, right, top, bottom = 260, 40, 12, 12, 40
    drawn = [p for p in points if _ok(p.estimate)]
    lows = [p.low for p in drawn if _ok(p.low)] + [p.estimate for p in drawn]
    floor = max(0, math.floor((min(lows) if lows else 0) / 10) * 10)
    y = lambda v: top + (height - top - bottom) * (100 - v) / (100 - floor or 1)  # noqa: E731
    step = (WIDTH - left - right) / max(1, len(points))
    x = lambda i: left + step * (i + 0.5)  # noqa: E731
    body = []
    for tick in range(int(floor), 101, 10):
        body.append(f'<path d="M{left} {y(tick):.1f}H{WIDTH - right}" stroke="#dde1e6"/>'
                    f'<text x="{left - 4}" y="{y(tick) + 4:.1f}" font-size="11" text-anchor="end">{tick}</text>')
    line, grid = [], len(body)
    for i, p in enumerate(points):
        body.append(f'<text x="{x(i):.1f}" y="{height - bottom + 16}" font-size="11" '
                    f'text-anchor="middle">{escape(p.label)}</text>')
        if not _ok(p.estimate):
            continue
        if _ok(p.low, p.high):
            body.append(f'<path d="M{x(i):.1f} {y(p.low):.1f}V{y(p.high):.1f}M{x(i) - 5:.1f} {y(p.low):.1f}h10'
                        f'M{x(i) - 5:.1f} {y(p.high):.1f}h10" stroke="{WHISKER}" fill="none"/>')
        line.append(f"{x(i):.1f},{y(p.estimate):.1f}")
        fill = "#fff" if p.low_n else BAR_COLOUR
        body.append(f'<circle cx="{x(i):.1f}" cy="{y(p.estimate):.1f}" r="4.5" fill="{fill}" '
                    f'stroke="{BAR_COLOUR}" stroke-width="2"><title>{escape(p.label)}: '
                    f"{_num(p.estimate)} (n = {p.n})</title></circle>")
    if len(line) > 1:
        body.insert(grid, f'<polyline points="{" ".join(line)}" fill="none" stroke="{BAR_COLOUR}" stroke-width="2"/>')
    return _svg(height, title, body)
