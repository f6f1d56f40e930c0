"""Charts drawn on the server as SVG: geometry from already-aggregated points (a dozen at
most), drawn by templates/reports/_chart_*.html with the same points as a table under
each chart. No script, no network, prints, scales to a phone's width (viewBox)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import get_language

WIDTH, HEIGHT = 320, 160
LEFT, BOTTOM, TOP = 28, 22, 8


@dataclass
class Bar:
    label: str
    value: Decimal | int
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    below_target: bool = False
    target: Decimal | int | None = None  # this bar's own target (e.g. a month's)
    target_y: float | None = None


@dataclass
class BarChart:
    key: str
    title: str
    bars: list[Bar]
    target: Decimal | int | None = None
    target_y: float | None = None
    top_value: Decimal | int = 0
    gridlines: list[tuple[float, str]] = field(default_factory=list)
    value_heading: str = ""
    money: bool = False  # values in yuan: shown with the money format (tables, tooltips)
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def label_y(self) -> int:
        return self.height - 6


def bar_chart(
    key: str,
    title: str,
    points,
    *,
    target=None,
    targets=None,
    value_heading: str = "",
    money: bool = False,
) -> BarChart:
    """Bars for [(label, value)] with an optional target line, or a target per bar."""
    bars = [Bar(str(label), value or 0) for label, value in points]
    for bar, own in zip(bars, targets or [], strict=False):
        bar.target = own or None
    top = max([bar.value for bar in bars] + [bar.target or 0 for bar in bars] + [target or 0, 1])
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(bars), 1)
    for index, bar in enumerate(bars):
        bar.height = round(float(bar.value) / float(top) * plot_height, 1)
        bar.width = round(slot * 0.7, 1)
        bar.x = round(LEFT + slot * index + slot * 0.15, 1)
        bar.y = round(TOP + plot_height - bar.height, 1)
        bar.below_target = target is not None and bar.value < target
        if bar.target is not None:
            bar.below_target = bar.value < bar.target
            bar.target_y = round(
                TOP + plot_height - float(bar.target) / float(top) * plot_height, 1
            )
    chart = BarChart(
        key, title, bars, target=target, top_value=top, value_heading=value_heading, money=money
    )
    if target is not None:
        chart.target_y = round(TOP + plot_height - float(target) / float(top) * plot_height, 1)
    chart.gridlines = [
        (round(TOP + plot_height * (1 - share), 1), _short(float(top) * share, money=money))
        for share in (0, 0.5, 1)
    ]
    return chart


def _short(value, *, money: bool = False) -> str:
    """An axis label short enough for the margin: 1.2万 in Chinese, 12k in English; with
    the yuan sign for amounts (the tables beside the charts give the full money format)."""
    value = float(value)
    sign = "¥" if money else ""
    chinese = (get_language() or "").startswith("zh")
    if chinese and value >= 10000:
        return f"{sign}{value / 10000:.1f}万"
    if not chinese and value >= 1_000_000:
        return f"{sign}{value / 1_000_000:.1f}M"
    if not chinese and value >= 1000:
        return f"{sign}{value / 1000:.0f}k"
    return f"{sign}{value:.0f}" if value == int(value) else f"{sign}{value:.1f}"


@dataclass
class Step:
    label: str
    count: int
    value: Decimal
    x: float = 0
    y: float = 0
    width: float = 0


@dataclass
class Funnel:
    key: str
    title: str
    steps: list[Step]
    height: int = 0
    width: int = WIDTH


def funnel(key: str, title: str, rows) -> Funnel:
    """A funnel of [(label, count, value)], each step's width by its count, centred."""
    steps = [Step(str(label), count or 0, value or Decimal(0)) for label, count, value in rows]
    widest = max([step.count for step in steps] + [1])
    row_height = 22
    for index, step in enumerate(steps):
        step.width = round(max(step.count / widest * (WIDTH - 120), 2), 1)
        step.x = round(120 + ((WIDTH - 120) - step.width) / 2, 1)
        step.y = index * row_height
    return Funnel(key, title, steps, height=row_height * max(len(steps), 1))
