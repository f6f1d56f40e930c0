"""Table-driven tests for the pure working-day calendar (no database, no settings)."""

from datetime import UTC, date, datetime, time, timedelta

import chinese_calendar
import pytest

from salescrm.testing.time import SHANGHAI, at
from salescrm.workdays import END_OF_DAY, WorkCalendar, china_calendar, day_range, week_range

EVENING = time(18, 0)
PLAIN = WorkCalendar()  # Mon-Fri, no holidays
CHINA = china_calendar([2024, 2025, 2026])


WORKING_STARTS = [date(2025, 12, 31), date(2026, 2, 13), date(2026, 9, 30)]


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(i) for i in range((last - first).days + 1)]


# --- is_working_day -------------------------------------------------------


@pytest.mark.parametrize("day", [date(2026, 3, 7), date(2026, 3, 8)], ids=["sat", "sun"])
def test_weekends_are_off(day):
    assert not PLAIN.is_working_day(day)
    assert not CHINA.is_working_day(day)


@pytest.mark.parametrize(
    "day",
    days(date(2026, 3, 9), date(2026, 3, 13)),
    ids=["mon", "tue", "wed", "thu", "fri"],
)
def test_ordinary_weekdays_are_working_days(day):
    assert PLAIN.is_working_day(day)
    assert CHINA.is_working_day(day)


@pytest.mark.parametrize("day", days(date(2026, 2, 15), date(2026, 2, 23)), ids=str)
def test_spring_festival_2026_days_are_off(day):
    assert not CHINA.is_working_day(day)


@pytest.mark.parametrize("day", days(date(2026, 10, 1), date(2026, 10, 7)), ids=str)
def test_national_day_2026_days_are_off(day):
    assert not CHINA.is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 4),  # Sun, New Year make-up
        date(2026, 2, 14),  # Sat, Spring Festival make-up
        date(2026, 2, 28),  # Sat, Spring Festival make-up
        date(2026, 5, 9),  # Sat, Labour Day make-up
        date(2026, 9, 20),  # Sun, National Day make-up
        date(2026, 10, 10),  # Sat, National Day make-up
    ],
    ids=str,
)
def test_official_make_up_weekend_days_are_working_days(day):
    assert day.weekday() >= 5
    assert CHINA.is_working_day(day)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 12, 31), True),  # Wed before New Year
        (date(2026, 1, 1), False),  # New Year's Day
        (date(2026, 1, 2), False),  # Fri, substituted day off
        (date(2026, 1, 3), False),  # Sat
        (date(2026, 1, 5), True),  # Mon
        (date(2026, 2, 13), True),  # Fri before Spring Festival
        (date(2026, 2, 24), True),  # Tue, first day back
        (date(2026, 9, 30), True),  # Wed before National Day
        (date(2026, 10, 8), True),  # Thu, first day back
        (date(2026, 10, 9), True),  # Fri
        (date(2026, 10, 11), False),  # Sun after the make-up Saturday
    ],
    ids=str,
)
def test_days_around_official_holidays(day, expected):
    assert CHINA.is_working_day(day) is expected


def test_china_calendar_keeps_only_make_up_days_of_requested_years():
    assert china_calendar([2026]).extra_workdays == {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }


def test_every_day_of_2024_to_2026_agrees_with_chinesecalendar():
    mismatches = [
        (day.isoformat(), day.strftime("%a"), CHINA.is_working_day(day))
        for day in days(date(2024, 1, 1), date(2026, 12, 31))
        if CHINA.is_working_day(day) != chinese_calendar.is_workday(day)
    ]
    assert mismatches == []


# --- add_working_days / next_working_day -----------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2025, 12, 30), 1, date(2025, 12, 31)),
        (date(2025, 12, 31), 1, date(2026, 1, 4)),  # 1-3 Jan off, Sun 4 Jan make-up
        (date(2025, 12, 31), 2, date(2026, 1, 5)),
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # Fri -> make-up Sat
        (date(2026, 2, 14), 1, date(2026, 2, 24)),  # over 15-23 Feb
        (date(2026, 2, 13), 2, date(2026, 2, 24)),
        (date(2026, 2, 16), 1, date(2026, 2, 24)),  # from inside the holiday
        (date(2026, 2, 24), 4, date(2026, 2, 28)),  # make-up Sat 28 Feb counts
        (date(2026, 2, 24), 5, date(2026, 3, 2)),
        (date(2026, 9, 18), 1, date(2026, 9, 20)),  # Fri -> make-up Sun
        (date(2026, 9, 30), 1, date(2026, 10, 8)),  # over 1-7 Oct
        (date(2026, 9, 30), 3, date(2026, 10, 10)),  # Thu, Fri, make-up Sat
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # plain weekend
        (date(2026, 3, 9), 10, date(2026, 3, 23)),
    ],
)
def test_add_working_days_forwards(start, n, expected):
    assert CHINA.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2026, 2, 24), date(2026, 2, 24)),  # working day: itself
        (date(2026, 2, 14), date(2026, 2, 14)),  # make-up Saturday: itself
        (date(2026, 2, 16), date(2026, 2, 24)),  # holiday: next working day
        (date(2026, 3, 7), date(2026, 3, 9)),  # plain Saturday: Monday
    ],
    ids=str,
)
def test_adding_zero_working_days_rolls_forward_only_off_days(start, expected):
    assert CHINA.add_working_days(start, 0) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 2, 24), -1, date(2026, 2, 14)),
        (date(2026, 2, 18), -1, date(2026, 2, 14)),  # from inside the holiday
        (date(2026, 3, 2), -1, date(2026, 2, 28)),  # make-up Saturday
        (date(2026, 1, 4), -1, date(2025, 12, 31)),
        (date(2026, 1, 5), -2, date(2025, 12, 31)),
        (date(2026, 10, 8), -1, date(2026, 9, 30)),
        (date(2026, 3, 9), -1, date(2026, 3, 6)),
    ],
)
def test_add_working_days_backwards(start, n, expected):
    assert CHINA.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 2, 13), date(2026, 2, 14)),
        (date(2026, 2, 14), date(2026, 2, 24)),
        (date(2026, 10, 1), date(2026, 10, 8)),
        (date(2026, 3, 6), date(2026, 3, 9)),
    ],
    ids=str,
)
def test_next_working_day_skips_days_off(day, expected):
    assert CHINA.next_working_day(day) == expected


@pytest.mark.parametrize("n", [1, 2, 5, 20])
@pytest.mark.parametrize("start", WORKING_STARTS, ids=str)
def test_going_forward_then_back_returns_to_a_working_start(start, n):
    assert CHINA.add_working_days(CHINA.add_working_days(start, n), -n) == start


@pytest.mark.parametrize("n", [1, -1])
def test_a_calendar_without_working_days_raises_instead_of_looping(n):
    twenty_years = days(date(2020, 1, 1), date(2040, 12, 31))
    everything_off = WorkCalendar(days_off=frozenset(twenty_years))
    with pytest.raises(ValueError, match="no working day within"):
        everything_off.add_working_days(date(2030, 6, 1), n)


# --- working_days_between --------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 2, 24), date(2026, 2, 24), 0),
        (date(2026, 3, 9), date(2026, 3, 16), 5),  # Tue-Fri + next Mon
        (date(2026, 2, 13), date(2026, 2, 24), 2),  # 14 Feb and 24 Feb
        (date(2026, 2, 24), date(2026, 2, 13), -2),
        (date(2025, 12, 31), date(2026, 1, 4), 1),
        (date(2026, 9, 30), date(2026, 10, 10), 3),
        (date(2026, 2, 14), date(2026, 2, 23), 0),  # whole holiday
    ],
)
def test_working_days_between_counts_start_exclusive_end_inclusive(start, end, expected):
    assert CHINA.working_days_between(start, end) == expected


@pytest.mark.parametrize("n", [1, 3, 10])
@pytest.mark.parametrize("start", WORKING_STARTS, ids=str)
def test_working_days_between_inverts_add_working_days(start, n):
    assert CHINA.working_days_between(start, CHINA.add_working_days(start, n)) == n


# --- due_at / end_of_working_day -------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "end_of_day", "expected"),
    [
        (date(2026, 2, 13), 1, END_OF_DAY, at(2026, 2, 14, 23, 59, 59, 999999)),
        (date(2026, 2, 13), 2, EVENING, at(2026, 2, 24, 18, 0)),
        (date(2025, 12, 31), 1, END_OF_DAY, at(2026, 1, 4, 23, 59, 59, 999999)),
        (date(2026, 9, 30), 1, EVENING, at(2026, 10, 8, 18, 0)),
    ],
)
def test_due_at_is_end_of_the_nth_working_day_in_shanghai(start, n, end_of_day, expected):
    due = CHINA.due_at(start, n, tz=SHANGHAI, end_of_day=end_of_day)
    assert due == expected
    assert due.tzinfo is SHANGHAI
    assert due.utcoffset() == timedelta(hours=8)


def test_due_at_defaults_to_the_last_microsecond_of_the_day():
    due = CHINA.due_at(date(2026, 2, 13), 2, tz=SHANGHAI)
    assert due == at(2026, 2, 24, 23, 59, 59, 999999)


def test_due_at_18_00_shanghai_is_10_00_utc():
    due = CHINA.due_at(date(2026, 2, 13), 2, tz=SHANGHAI, end_of_day=EVENING)
    assert due.astimezone(UTC) == datetime(2026, 2, 24, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # working day: same day
        (at(2026, 2, 24, 9, 30), at(2026, 2, 24, 18, 0)),
        # make-up Saturday: same day
        (at(2026, 2, 28, 8, 0), at(2026, 2, 28, 18, 0)),
        # public holiday: first working day after it
        (at(2026, 2, 17, 10, 0), at(2026, 2, 24, 18, 0)),
        # plain weekend: Monday
        (at(2026, 3, 7, 11, 0), at(2026, 3, 9, 18, 0)),
        # the local day of the moment's own zone decides: Fri 13 Feb in UTC ...
        (
            datetime(2026, 2, 13, 20, 0, tzinfo=UTC),
            datetime(2026, 2, 13, 18, 0, tzinfo=UTC),
        ),
        # ... while the same instant is Sat 14 Feb 04:00 in Shanghai
        (at(2026, 2, 14, 4, 0), at(2026, 2, 14, 18, 0)),
    ],
    ids=[
        "working-day",
        "make-up-saturday",
        "holiday",
        "weekend",
        "utc-friday",
        "shanghai-saturday",
    ],
)
def test_end_of_working_day(moment, expected):
    result = CHINA.end_of_working_day(moment, end_of_day=EVENING)
    assert result == expected
    assert result.tzinfo is moment.tzinfo


def test_end_of_working_day_defaults_to_the_last_microsecond_of_the_day():
    moment = at(2026, 10, 3, 12, 0)
    assert CHINA.end_of_working_day(moment) == at(2026, 10, 8, 23, 59, 59, 999999)


def test_end_of_working_day_rejects_a_naive_moment():
    naive = at(2026, 2, 24, 9, 30).replace(tzinfo=None)
    with pytest.raises(ValueError, match="aware"):
        CHINA.end_of_working_day(naive, end_of_day=EVENING)


# --- company overrides -----------------------------------------------------


@pytest.mark.parametrize(
    ("override_day", "working", "start", "next_day"),
    [
        # company day off on an ordinary Tuesday
        (date(2026, 3, 10), False, date(2026, 3, 9), date(2026, 3, 11)),
        # company working Saturday
        (date(2026, 3, 7), True, date(2026, 3, 6), date(2026, 3, 7)),
        # company works on an official holiday
        (date(2026, 2, 17), True, date(2026, 2, 14), date(2026, 2, 17)),
        # company gives the official make-up Saturday off
        (date(2026, 2, 14), False, date(2026, 2, 13), date(2026, 2, 24)),
    ],
    ids=["weekday-off", "working-saturday", "works-on-holiday", "make-up-day-off"],
)
def test_company_overrides_win_over_everything(override_day, working, start, next_day):
    calendar = china_calendar([2026], overrides={override_day: working})
    assert CHINA.is_working_day(override_day) is not working
    assert calendar.is_working_day(override_day) is working
    assert calendar.next_working_day(start) == next_day


def test_overrides_are_read_only_and_copied_from_the_callers_dict():
    source = {date(2026, 3, 10): False}
    calendar = WorkCalendar(overrides=source)
    source[date(2026, 3, 10)] = True
    assert not calendar.is_working_day(date(2026, 3, 10))
    with pytest.raises(TypeError):
        calendar.overrides[date(2026, 3, 11)] = False  # type: ignore[index]


def test_calendars_are_hashable_and_compare_by_value():
    first, second = china_calendar([2026]), china_calendar([2026])
    with_override = china_calendar([2026], overrides={date(2026, 3, 10): False})
    assert first == second
    assert hash(first) == hash(second)
    assert first != with_override
    assert len({first, second, with_override}) == 2


@pytest.mark.parametrize(
    ("day", "monday"),
    [(date(2026, 3, 2), date(2026, 3, 2)), (date(2026, 3, 8), date(2026, 3, 2)),
     (date(2026, 1, 1), date(2025, 12, 29))],
)  # fmt: skip
def test_monday_of_finds_the_weeks_monday(day, monday):
    from salescrm.workdays import monday_of

    assert monday_of(day) == monday


def test_local_midnight_is_the_start_of_the_day_in_the_zone():
    from zoneinfo import ZoneInfo

    from salescrm.workdays import local_midnight

    moment = local_midnight(date(2026, 2, 14), tz=ZoneInfo("Asia/Shanghai"))

    assert moment.isoformat() == "2026-02-14T00:00:00+08:00"


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2026, 3, 8), date(2026, 3, 2), date(2026, 3, 9)),  # a Sunday: its Monday
        (date(2026, 3, 2), date(2026, 3, 2), date(2026, 3, 9)),  # a Monday: itself
        (date(2026, 12, 31), date(2026, 12, 28), date(2027, 1, 4)),  # across the new year
    ],
)
def test_the_week_runs_from_monday_midnight_to_the_next_in_local_time(day, start, end):
    assert week_range(day, tz=SHANGHAI) == (
        datetime.combine(start, time.min, tzinfo=SHANGHAI),
        datetime.combine(end, time.min, tzinfo=SHANGHAI),
    )


def test_a_day_runs_from_its_local_midnight_to_the_next():
    assert day_range(date(2026, 2, 28), tz=SHANGHAI) == (
        datetime(2026, 2, 28, tzinfo=SHANGHAI),
        datetime(2026, 3, 1, tzinfo=SHANGHAI),
    )
