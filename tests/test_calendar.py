import datetime as dt

from typer.testing import CliRunner

from rectify.cli import app
from rectify.core.calendar import WorkCalendar
from rectify.core.deadlines import Period, add_period

D = dt.date


def test_national_day_2026_and_its_make_up_saturday():
    cal = WorkCalendar()
    assert not cal.is_workday(D(2026, 10, 1))
    assert not cal.is_workday(D(2026, 10, 7))
    assert cal.is_workday(D(2026, 10, 10))  # Saturday, adjusted workday (调休)
    assert not cal.is_workday(D(2026, 10, 11))  # ordinary Sunday
    # 5 working days after Wed 30 Sep: 8, 9, 10 (Sat), 12, 13 October
    assert add_period(D(2026, 9, 30), Period(working_days=5), cal) == D(2026, 10, 13)
    # calendar days do not care
    assert add_period(D(2026, 9, 30), Period(days=5), cal) == D(2026, 10, 5)
    assert cal.warnings() == []


def test_unknown_year_is_a_warning_not_a_silent_guess():
    cal = WorkCalendar()
    end = add_period(D(2026, 12, 28), Period(working_days=10), cal)
    assert end.year == 2027
    assert cal.unknown_years == {2027}
    assert any("2027" in w and "rectify calendar load" in w for w in cal.warnings())


def test_office_holiday_file_describes_a_later_year(db, tmp_path):
    f = tmp_path / "2027.yaml"
    f.write_text(
        "year: 2027\n"
        "holidays:\n  - {date: 2027-01-01, name: 元旦}\n"
        "  - {start: 2027-02-05, end: 2027-02-11, name: 春节}\n"
        "workdays:\n  - {date: 2027-02-13, name: 春节调休}\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(app, ["calendar", "load", str(f)])
    assert result.exit_code == 0, result.output
    ok = runner.invoke(app, ["calendar", "check", "2027-02-13"])
    assert "工作日" in ok.output and "警告" not in ok.output
    holiday = runner.invoke(app, ["calendar", "check", "2027-02-08"])
    assert "休息日" in holiday.output
    # a year still undescribed warns on the command line
    later = runner.invoke(app, ["calendar", "add", "2028-03-01", "3", "--working"])
    assert "2028年的节假日安排尚未录入" in later.output


def test_bad_holiday_file_is_refused_with_its_field(db, tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text(
        "year: 2027\nholidays:\n  - {start: 2027-02-11, end: 2027-02-05}\n", encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["calendar", "load", str(f)])
    assert result.exit_code == 1
    assert "holidays.0" in result.output and "start is after end" in result.output
