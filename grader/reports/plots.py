"""Plots for the class report, as SVG text (no files, no network needed to view them).

Figures are built with `matplotlib.figure.Figure` directly, not pyplot: no global state and no
GUI backend, so this works on a headless machine and inside a worker. Text stays text
(`svg.fonttype: none`: small files, fast to write) and is drawn by the browser's sans-serif
font; labels use question ids and check names (ASCII), which need no CJK font.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

_RC = {"svg.fonttype": "none", "svg.hashsalt": "d2l-grader", "font.size": 9}
_BAR = "#3a7bd5"
_FAIL = "#c0392b"


def _svg(fig: Figure, *, tight: bool = True) -> str:
    # bbox_inches="tight" costs one more draw pass: worth it for a few axes, not for a grid.
    buffer = io.StringIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(
            buffer, format="svg", bbox_inches="tight" if tight else None, metadata={"Date": None}
        )
    return buffer.getvalue()


def _no_data(ax, text: str = "no data") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#777")
    ax.set_xticks([])
    ax.set_yticks([])


def _score_bins(max_score: float) -> list[float]:
    """Ten equal bins from 0 to the maximum (one bin for a 0-point maximum)."""
    top = max_score if max_score > 0 else 1.0
    return [top * i / 10 for i in range(11)]


def score_histogram(scores: Sequence[float], max_score: float, title: str) -> str:
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(6, 2.6))
        ax = fig.add_subplot()
        if scores:
            ax.hist(scores, bins=_score_bins(max_score), color=_BAR, edgecolor="white")
            ax.set_xlim(0, max_score or 1)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts of students
        else:
            _no_data(ax)
        ax.set_title(title)
        ax.set_xlabel("points")
        ax.set_ylabel("students")
        return _svg(fig)


def question_histograms(rows: Sequence[tuple[str, Sequence[float], float]]) -> str:
    """Small multiples: one histogram per (question id, scores, max score)."""
    cols = 4
    n_rows = max(1, math.ceil(len(rows) / cols))
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(10, 2.0 * n_rows))
        axes = fig.subplots(n_rows, cols, squeeze=False)
        for i, ax in enumerate(axes.flat):
            if i >= len(rows):
                ax.set_axis_off()
                continue
            qid, scores, max_score = rows[i]
            if scores:
                ax.hist(scores, bins=_score_bins(max_score), color=_BAR, edgecolor="white")
                ax.set_xlim(0, max_score or 1)
                ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            else:
                _no_data(ax)
            ax.set_title(f"{qid} (max {max_score:g})", fontsize=9)
            ax.tick_params(labelsize=7)
        fig.supxlabel("points")
        fig.supylabel("students")
        # Fixed margins instead of tight_layout: each layout pass redraws all sixteen axes.
        fig.subplots_adjust(
            left=0.07,
            right=0.98,
            top=1 - 0.3 / (2 * n_rows),
            bottom=0.5 / (2 * n_rows),
            hspace=0.65,
            wspace=0.3,
        )
        return _svg(fig, tight=False)


def failure_rates(labels: Sequence[str], rates: Sequence[float]) -> str:
    """Horizontal bars, highest failure rate on top."""
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(8, max(1.6, 0.22 * len(labels) + 0.8)))
        ax = fig.add_subplot()
        if labels:
            positions = list(range(len(labels)))[::-1]
            ax.barh(positions, [100 * r for r in rates], color=_FAIL)
            ax.set_yticks(positions, labels, fontsize=7)
            ax.set_xlim(0, 100)
        else:
            _no_data(ax, "no check failed")
        ax.set_xlabel("% of graded submissions that failed the check")
        return _svg(fig)


def time_histogram(seconds: Sequence[float]) -> str:
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(6, 2.6))
        ax = fig.add_subplot()
        if seconds:
            ax.hist(seconds, bins=min(20, max(1, len(seconds))), color=_BAR, edgecolor="white")
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        else:
            _no_data(ax)
        ax.set_title("grading time per submission")
        ax.set_xlabel("seconds (timings.total_s)")
        ax.set_ylabel("submissions")
        return _svg(fig)
