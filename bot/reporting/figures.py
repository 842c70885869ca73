"""The report's charts as PNG ``data:`` URIs, so the HTML page needs no other file.

Figures are drawn with matplotlib's object API on the Agg canvas, never through pyplot:
pyplot keeps global state, and the console draws reports on worker threads. Every word on
a chart comes from the caller (the labels template), none from here.
"""

from __future__ import annotations

import base64
import io
import math
from datetime import date
from typing import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

CONVERSATIONS_COLOUR = "#9ec5e8"
HANDOFFS_COLOUR = "#d9534f"
BAR_COLOUR = "#3c7dbf"
WIDTH_INCHES = 8
DPI = 100
MAX_DAY_LABELS = 12


def _data_uri(figure: Figure) -> str:
    FigureCanvasAgg(figure)  # draws on Agg directly: no pyplot, no process-wide backend
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def daily_chart(days: Sequence[date], conversations: Sequence[int], handoffs: Sequence[int],
                legend: Sequence[str]) -> str:
    """Conversations per day, with the day's handoffs drawn over them (they are a part).

    Days are placed by index and labelled by hand: matplotlib's date locators would put
    ticks at noon on short ranges.
    """
    figure = Figure(figsize=(WIDTH_INCHES, 3.2))
    axes = figure.add_subplot()
    positions = range(len(days))
    axes.bar(positions, conversations, color=CONVERSATIONS_COLOUR, label=legend[0])
    axes.bar(positions, handoffs, width=0.5, color=HANDOFFS_COLOUR, label=legend[1])
    shown = positions[::max(1, math.ceil(len(days) / MAX_DAY_LABELS))]
    axes.set_xticks(shown, labels=[days[n].strftime("%d.%m") for n in shown])
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(frameon=False, loc="lower left", bbox_to_anchor=(0, 1), ncol=2)
    return _data_uri(figure)


def bar_chart(names: Sequence[str], values: Sequence[float], notes: Sequence[str],
              limit: float | None = None) -> str:
    """Horizontal bars in the given order, top down, each with its note (a count, an average).

    The axis ends at ``limit`` when the scale has one (ratings end at 5), else a little
    past the longest bar so its note fits.
    """
    figure = Figure(figsize=(WIDTH_INCHES, 0.5 + 0.45 * len(names)))
    axes = figure.add_subplot()
    positions = range(len(names))
    axes.barh(positions, values, color=BAR_COLOUR)
    axes.set_yticks(positions, labels=names)
    axes.invert_yaxis()
    for position, value, note in zip(positions, values, notes, strict=True):
        axes.annotate(note, (value, position), xytext=(4, 0), textcoords="offset points",
                      va="center")
    axes.set_xlim(0, limit if limit is not None else max(values) * 1.15)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    return _data_uri(figure)
