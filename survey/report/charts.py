"""Report charts as PNG bytes (matplotlib, Agg backend: no display needed)."""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# A serif face beside the report's Times New Roman; DejaVu Serif ships with
# matplotlib and has every Vietnamese glyph (system Times clones may not).
plt.rcParams["font.family"] = "serif"
plt.rcParams["font.serif"] = ["DejaVu Serif"]


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def indices_with_intervals(labels: list[str], est: list[float], low: list[float], high: list[float],
                           title: str) -> bytes:
    """Horizontal bars with interval whiskers, 0–100 %."""
    fig, ax = plt.subplots(figsize=(6.3, 0.45 * len(labels) + 1.2))
    y = range(len(labels))
    err = [[max(0.0, e - lo) for e, lo in zip(est, low)], [max(0.0, hi - e) for e, hi in zip(est, high)]]
    ax.barh(list(y), est, color="#9b1010", alpha=0.8, xerr=err, capsize=3, ecolor="#333")
    for i, e in enumerate(est):  # inside the bar's end: near 90 % there is no room after it
        ax.text(e - 1, i, f"{e:.1f}".replace(".", ","), va="center", ha="right", fontsize=8, color="white")
    ax.set_yticks(list(y), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("%")
    ax.set_title(title, fontsize=10)
    return _png(fig)


def late_vs_sipas(codes: list[str], late: list[float], sipas: list[float], label: str) -> bytes:
    """One point per service: % late against its overall index (``label``: SIPAS-DV or SIPAS)."""
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    ax.scatter(late, sipas, color="#9b1010")
    for c, x, y in zip(codes, late, sipas):
        ax.annotate(c, (x, y), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel("Tỷ lệ hồ sơ trễ hạn (%)")
    ax.set_ylabel(f"{label} của thủ tục (%)")
    ax.set_title("Trễ hạn và mức độ hài lòng theo thủ tục", fontsize=10)
    return _png(fig)


def dots_against(labels: list[str], est: list[float], low: list[float], high: list[float],
                 marks: list[str], reference: tuple[float, float, float], title: str) -> bytes:
    """A dot and its interval per unit, over the reference figure's line and band (a city's communes)."""
    fig, ax = plt.subplots(figsize=(6.3, 0.17 * len(labels) + 1.2))
    y = list(range(len(labels)))
    colours = [{"above": "#1d6b2f", "below": "#9b1010"}.get(m, "#333") for m in marks]
    ref, ref_low, ref_high = reference
    if ref_low == ref_low and ref_high == ref_high:  # not NaN
        ax.axvspan(ref_low, ref_high, color="#dde3ea")
    if ref == ref:
        ax.axvline(ref, color="#555", linestyle="--", linewidth=1)
    ax.hlines(y, low, high, colors=colours, linewidth=1.2)
    ax.scatter(est, y, color=colours, s=10, zorder=3)
    ax.set_yticks(y, labels, fontsize=6)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlabel("%")
    ax.set_title(title, fontsize=10)
    return _png(fig)
