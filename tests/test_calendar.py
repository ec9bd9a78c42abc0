import datetime as dt

import chinese_calendar
import pytest
from lunar_python import Solar
from typer.testing import CliRunner

from rectify.cli import app
from rectify.core.calendar import WorkCalendar, YearCalendar, statutory_holidays
from rectify.core.deadlines import Period, add_period
from tests.tables import cases

D = dt.date


# (case, day, working day in the official calendar (2026 from chinesecalendar)?)
WORKDAYS = [
    ("national_day_first", D(2026, 10, 1), False),
    ("national_day_last", D(2026, 10, 7), False),
    ("after_national_day", D(2026, 10, 8), True),
    ("make_up_saturday", D(2026, 10, 10), True),  # adjusted workday (调休)
    ("ordinary_sunday", D(2026, 10, 11), False),
    ("make_up_sunday_before", D(2026, 9, 20), True),
    ("mid_autumn_friday", D(2026, 9, 25), False),
    ("ordinary_wednesday", D(2026, 11, 4), True),
    ("ordinary_saturday", D(2026, 11, 7), False),
    ("new_year", D(2026, 1, 1), False),
]


@pytest.mark.parametrize(("day", "expected"), cases(WORKDAYS))
def test_official_working_day(day, expected):
    cal = WorkCalendar()
    assert cal.is_workday(day) is expected
    assert cal.warnings() == []


# (case, day, the next working day from it (itself if it is one))
NEXT_WORKDAYS = [
    ("a_working_day-itself", D(2026, 9, 30), D(2026, 9, 30)),
    ("national_day-after_the_holiday", D(2026, 10, 1), D(2026, 10, 8)),
    ("make_up_saturday-itself", D(2026, 10, 10), D(2026, 10, 10)),
    ("sunday-monday", D(2026, 10, 11), D(2026, 10, 12)),
]


@pytest.mark.parametrize(("day", "expected"), cases(NEXT_WORKDAYS))
def test_next_working_day(day, expected):
    assert WorkCalendar().next_workday(day) == expected


# (case, start, period, expected last day) over the official calendar
LAST_DAYS = [
    # 5 working days after Wed 30 Sep: 8, 9, 10 (Sat), 12, 13 October
    ("5_working_days-over_national_day", D(2026, 9, 30), Period(working_days=5), D(2026, 10, 13)),
    # calendar days ending in the holiday roll to its first working day
    ("5_days-over_national_day-rolled", D(2026, 9, 30), Period(days=5), D(2026, 10, 8)),
    ("1_working_day-eve_of_national_day", D(2026, 9, 30), Period(working_days=1), D(2026, 10, 8)),
    ("1_working_day-to_the_make_up_saturday", D(2026, 10, 9), Period(working_days=1), D(2026, 10, 10)),
]  # fmt: skip


@pytest.mark.parametrize(("start", "period", "expected"), cases(LAST_DAYS))
def test_last_day_over_the_official_calendar(start, period, expected):
    cal = WorkCalendar()
    assert add_period(start, period, cal) == expected
    assert cal.warnings() == []


# (case, the office's (overrides, described years), start, period,
#  expected: (last day, years warned about))
UNKNOWN_YEARS = [
    (
        "2027_undescribed-new_year_by_the_regulation-warned",
        ({}, ()),
        D(2026, 12, 28),
        Period(working_days=10),
        (D(2027, 1, 12), {2027}),
    ),
    (
        "2027_described_by_a_file-not_warned",
        ({D(2027, 1, 1): False}, {2027}),
        D(2026, 12, 28),
        Period(working_days=10),
        (D(2027, 1, 12), set()),
    ),
    (
        "2027_file_without_new_year-the_file_wins",
        ({}, {2027}),
        D(2026, 12, 28),
        Period(working_days=10),
        (D(2027, 1, 11), set()),
    ),
    (
        "2003_undescribed-warned",
        ({}, ()),
        D(2003, 6, 2),
        Period(working_days=1),
        (D(2003, 6, 3), {2003}),
    ),
    (
        "calendar_days-rolled_over_an_undescribed_year-warned",
        ({}, ()),
        D(2026, 12, 28),
        Period(days=10),
        (D(2027, 1, 7), {2027}),
    ),
]


@pytest.mark.parametrize(("office", "start", "period", "expected"), cases(UNKNOWN_YEARS))
def test_unknown_year_is_a_warning_not_a_silent_guess(office, start, period, expected):
    cal = WorkCalendar(*office)
    last_day, warned = expected
    assert add_period(start, period, cal) == last_day
    assert cal.unknown_years == warned
    assert len(cal.warnings()) == len(warned)
    for year in warned:
        assert any(str(year) in w and "rectify calendar load" in w for w in cal.warnings())


# (case, a day of 2027 (no State Council notice yet), working day?, holiday name,
#  what lunar-python says of the day: (lunar month, lunar day) or the solar term, if any)
STATUTORY_2027 = [
    ("new_year", D(2027, 1, 1), False, "元旦", None),
    ("spring_eve", D(2027, 2, 5), False, "春节", ("腊", "廿九")),  # a short 12th month
    ("spring_first_day", D(2027, 2, 6), False, "春节", ("正", "初一")),
    ("spring_second_day", D(2027, 2, 7), False, "春节", ("正", "初二")),
    ("spring_third_day", D(2027, 2, 8), False, "春节", ("正", "初三")),
    ("spring_fourth_day-no_bridging_yet", D(2027, 2, 9), True, None, ("正", "初四")),
    ("before_the_eve", D(2027, 2, 4), True, None, ("腊", "廿八")),
    ("qingming", D(2027, 4, 5), False, "清明", "清明"),
    ("labour_day", D(2027, 5, 1), False, "劳动节", None),
    ("labour_day_second", D(2027, 5, 2), False, "劳动节", None),
    ("after_labour_day", D(2027, 5, 3), True, None, None),
    ("dragon_boat", D(2027, 6, 9), False, "端午", ("五", "初五")),
    ("mid_autumn", D(2027, 9, 15), False, "中秋", ("八", "十五")),
    ("national_day", D(2027, 10, 1), False, "国庆", None),
    ("national_day_third", D(2027, 10, 3), False, "国庆", None),
    ("national_day_fourth-no_bridging_yet", D(2027, 10, 4), True, None, None),
    ("ordinary_saturday", D(2027, 3, 6), False, None, None),
    ("ordinary_wednesday", D(2027, 3, 3), True, None, None),
]


@pytest.mark.parametrize(("day", "expected", "name", "lunar"), cases(STATUTORY_2027))
def test_undescribed_year_keeps_the_statutory_holidays(day, expected, name, lunar):
    cal = WorkCalendar()
    assert cal.is_workday(day) is expected
    assert cal.holiday_name(day) == name
    assert cal.unknown_years == {2027}
    assert "2027年" in cal.warnings()[0] and "调休" in cal.warnings()[0]
    said = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    if isinstance(lunar, tuple):
        assert (said.getMonthInChinese(), said.getDayInChinese()) == lunar
    elif lunar:
        assert said.getJieQi() == lunar


@pytest.mark.parametrize("year", [2025, 2026])
def test_statutory_holidays_agree_with_the_published_years(year):
    """The regulation's days are holidays in every year the State Council has published."""
    assert len(statutory_holidays(year)) == 13
    assert all(chinese_calendar.is_holiday(day) for day in statutory_holidays(year))


# (case, a day, the office's overrides and described years, working day?)
OVERRIDES = [
    ("override_makes_a_holiday", D(2027, 2, 8), {D(2027, 2, 8): False}, False),
    ("override_makes_a_make_up_saturday", D(2027, 2, 13), {D(2027, 2, 13): True}, True),
    ("described_year-plain_weekday", D(2027, 3, 3), {}, True),
    ("described_year-plain_sunday", D(2027, 3, 7), {}, False),
    ("override_wins_over_the_builtin_year", D(2026, 10, 1), {D(2026, 10, 1): True}, True),
]


@pytest.mark.parametrize(("day", "overrides", "expected"), cases(OVERRIDES))
def test_office_overrides(day, overrides, expected):
    cal = WorkCalendar(overrides, described_years={2027})
    assert cal.is_workday(day) is expected
    assert cal.unknown_years == set()


# (case, a holiday file's content, expected: its (day, working day?) entries, or the error)
YEAR_FILES = [
    (
        "holidays_and_make_up_days",
        {
            "year": 2027,
            "holidays": [
                {"date": "2027-01-01", "name": "元旦"},
                {"start": "2027-02-05", "end": "2027-02-07", "name": "春节"},
            ],
            "workdays": [{"date": "2027-02-13", "name": "春节调休"}],
        },
        [
            (D(2027, 1, 1), False),
            (D(2027, 2, 5), False),
            (D(2027, 2, 6), False),
            (D(2027, 2, 7), False),
            (D(2027, 2, 13), True),
        ],
    ),
    ("no_days", {"year": 2027}, []),
    (
        "start_after_end",
        {"year": 2027, "holidays": [{"start": "2027-02-11", "end": "2027-02-05"}]},
        ValueError("开始日期（start）晚于结束日期（end）"),
    ),
    (
        "date_and_a_range",
        {"year": 2027, "holidays": [{"date": "2027-02-11", "start": "2027-02-11", "end": "2027-02-12"}]},
        ValueError("应给出 date，或同时给出 start 和 end"),
    ),
    (
        "start_without_end",
        {"year": 2027, "holidays": [{"start": "2027-02-11"}]},
        ValueError("应给出 date，或同时给出 start 和 end"),
    ),
    (
        "unknown_field",
        {"year": 2027, "holiday": []},
        ValueError("Extra inputs are not permitted"),
    ),
    (
        "a_day_of_another_year",
        {"year": 2027, "holidays": [{"date": "2028-01-01"}]},
        ValueError("2028-01-01 不在 2027 年内"),
    ),
]  # fmt: skip


@pytest.mark.parametrize(("content", "expected"), cases(YEAR_FILES))
def test_holiday_file(content, expected):
    if isinstance(expected, ValueError):
        with pytest.raises(ValueError, match=str(expected)):
            YearCalendar.model_validate(content).entries()
        return
    entries = YearCalendar.model_validate(content).entries()
    assert [(day, working) for day, working, _ in entries] == expected


SPRING_FESTIVAL_2027 = (
    "year: 2027\n"
    "holidays:\n  - {start: 2027-02-05, end: 2027-02-11, name: 春节}\n"
    "workdays:\n  - {date: 2027-02-13, name: 春节调休}\n"
)

# (case, the holiday file loaded first (or none), the command, what it prints, what it doesn't)
CALENDAR_COMMANDS = [
    ("add-skips_new_year_by_the_regulation", None, ["add", "2026-12-20", "10", "--working"],
     ["= 2027-01-04", "2027年的节假日安排尚未录入", "全国年节及纪念日放假办法"], []),
    ("check-spring_festival_by_the_regulation", None, ["check", "2027-02-08"],
     ["休息日", "春节", "2027年", "调休"], ["工作日"]),
    ("check-a_year_before_the_regulation", None, ["check", "2003-06-02"],
     ["工作日", "2003年", "周一至周五"], ["全国年节"]),
    ("file-make_up_saturday", SPRING_FESTIVAL_2027, ["check", "2027-02-13"], ["工作日"], ["警告"]),
    ("file-its_holiday", SPRING_FESTIVAL_2027, ["check", "2027-02-11"], ["休息日"], ["警告"]),
    ("file-overrides_the_regulation_entirely", SPRING_FESTIVAL_2027, ["check", "2027-04-05"],
     ["工作日"], ["清明", "警告"]),
    ("file-add_counts_new_year_as_worked", SPRING_FESTIVAL_2027,
     ["add", "2026-12-20", "10", "--working"], ["= 2027-01-01"], ["警告"]),
    ("file-a_later_year_still_warned", SPRING_FESTIVAL_2027, ["add", "2028-03-01", "3", "--working"],
     ["2028年的节假日安排尚未录入"], ["2027年"]),
]  # fmt: skip


@pytest.mark.parametrize(("file", "command", "says", "not_says"), cases(CALENDAR_COMMANDS))
def test_calendar_commands(db, tmp_path, file, command, says, not_says):
    runner = CliRunner()
    if file is not None:
        f = tmp_path / "2027.yaml"
        f.write_text(file, encoding="utf-8")
        loaded = runner.invoke(app, ["calendar", "load", str(f)])
        assert loaded.exit_code == 0, loaded.output
    result = runner.invoke(app, ["calendar", *command])
    assert result.exit_code == 0, result.output
    for text in says:
        assert text in result.output
    for text in not_says:
        assert text not in result.output


def test_bad_holiday_file_is_refused_with_its_field(db, tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text(
        "year: 2027\nholidays:\n  - {start: 2027-02-11, end: 2027-02-05}\n", encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["calendar", "load", str(f)])
    assert result.exit_code == 1
    assert (
        f"{f}:第 3 行，字段 holidays[0]：开始日期（start）晚于结束日期（end）" in result.output
    ), result.output
