"""The office-edited working-day calendar (工作日, 调休) stored in the database."""

from rectify.workdays.store import current_calendar, load_year_file

__all__ = ["current_calendar", "load_year_file"]
