"""Chart geometry: heights in proportion, the target where it belongs."""

from decimal import Decimal

from django.utils import translation

from reports import charts


def test_bars_scale_to_the_highest_of_values_and_target():
    chart = charts.bar_chart("k", "t", [("a", 5), ("b", 10), ("c", 0)], target=20)
    plot = charts.HEIGHT - charts.BOTTOM - charts.TOP
    assert [bar.height for bar in chart.bars] == [plot / 4, plot / 2, 0]
    assert chart.target_y == charts.TOP  # the target is the top of the scale
    assert [bar.below_target for bar in chart.bars] == [True, True, True]
    bottom = charts.TOP + plot
    assert all(bar.y + bar.height == bottom for bar in chart.bars)


def test_a_target_per_bar():
    chart = charts.bar_chart("k", "t", [("m1", Decimal(100)), ("m2", Decimal(50))],
                             targets=[Decimal(50), Decimal(0)])  # fmt: skip
    first, second = chart.bars
    assert not first.below_target
    assert first.target_y == charts.TOP + (charts.HEIGHT - charts.BOTTOM - charts.TOP) / 2
    assert second.target is None  # no target set that month


def test_funnel_widths_follow_counts():
    funnel = charts.funnel("f", "t", [("a", 10, Decimal(0)), ("b", 5, Decimal(0))])
    assert funnel.steps[1].width == funnel.steps[0].width / 2
    assert funnel.height == 44


def test_money_charts_label_their_axis_in_yuan():
    with translation.override("zh-hans"):
        chart = charts.bar_chart("signed", "", [("03", Decimal("155720.00"))], money=True)
        assert [label for _y, label in chart.gridlines] == ["¥0", "¥7.8万", "¥15.6万"]
    with translation.override("en"):
        chart = charts.bar_chart("signed", "", [("03", Decimal("155720.00"))], money=True)
        assert [label for _y, label in chart.gridlines] == ["¥0", "¥78k", "¥156k"]
        counts = charts.bar_chart("visits", "", [("03", 12)])
        assert not counts.money
        assert counts.gridlines[-1][1] == "12"
