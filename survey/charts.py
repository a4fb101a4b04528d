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


@dataclass(frozen=True)
class Dot:
    """One unit's estimate beside a reference figure: `mark` is "above", "below" or ""."""

    label: str
    estimate: float
    low: float
    high: float
    mark: str
    low_n: bool


DOT_COLOURS = {"above": "#1d6b2f", "below": "#9b1010", "": "#1b1b1b"}


def dot_intervals(dots: list[Dot], reference: tuple[float, float, float], title: str, note: str = "") -> Markup:
    """One row per unit: a dot at its estimate and its interval, over the reference's line and band.

    The axis spans the data (not 0-100 %), so neighbouring intervals stay
    apart; a dot is green above, red below the reference (after adjustment),
    hollow under the minimum n.
    """
    row, label_w, right, top = 18, 230, 48, 22
    values = [v for d in dots for v in (d.low, d.high, d.estimate) if _ok(v)]
    values += [v for v in reference if _ok(v)]
    lo = max(0.0, math.floor(min(values, default=0) / 5) * 5)
    hi = min(100.0, math.ceil(max(values, default=100) / 5) * 5)
    hi = hi if hi > lo else lo + 5
    span = WIDTH - label_w - right
    x = lambda v: label_w + span * (max(lo, min(hi, v)) - lo) / (hi - lo)  # noqa: E731
    height = top + len(dots) * row + (20 if note else 6)
    body = []
    est, r_low, r_high = reference
    if _ok(r_low, r_high):
        body.append(f'<rect x="{x(r_low):.1f}" y="{top - 4}" width="{max(1.0, x(r_high) - x(r_low)):.1f}" '
                    f'height="{len(dots) * row + 4}" fill="#e9edf2"/>')
    step = 5 if hi - lo <= 40 else 10
    for tick in range(int(lo), int(hi) + 1, step):
        body.append(f'<text x="{x(tick):.1f}" y="{top - 8}" font-size="11" text-anchor="middle" fill="#555">{tick}</text>'
                    f'<path d="M{x(tick):.1f} {top - 4}V{top + len(dots) * row}" stroke="#f0f1f3"/>')
    if _ok(est):
        body.append(f'<path d="M{x(est):.1f} {top - 4}V{top + len(dots) * row}" stroke="#555" '
                    f'stroke-dasharray="4 3"/>')
    for i, d in enumerate(dots):
        mid = top + i * row + row / 2
        label = d.label if len(d.label) <= 34 else d.label[:33] + "…"
        body.append(f'<text x="{label_w - 6}" y="{mid + 4:.1f}" font-size="11" text-anchor="end" '
                    f'fill="#1b1b1b">{escape(label)}{" *" if d.low_n else ""}</text>')
        if not _ok(d.estimate):
            continue
        colour = DOT_COLOURS.get(d.mark, WHISKER)
        if _ok(d.low, d.high):
            body.append(f'<path d="M{x(d.low):.1f} {mid:.1f}H{x(d.high):.1f}" stroke="{colour}" stroke-width="1.5"/>')
        fill = "#fff" if d.low_n else colour
        body.append(f'<circle cx="{x(d.estimate):.1f}" cy="{mid:.1f}" r="3.5" fill="{fill}" stroke="{colour}" '
                    f'stroke-width="1.5"><title>{escape(d.label)}: {_num(d.estimate)}</title></circle>')
        body.append(f'<text x="{WIDTH - 4}" y="{mid + 4:.1f}" font-size="11" text-anchor="end">{_num(d.estimate)}</text>')
    if note:
        body.append(f'<text x="4" y="{height - 4}" font-size="11" fill="#555">{escape(note)}</text>')
    return _svg(height, title, body)
