"""The values of ``week:``, ``date:`` and ``year:`` in a query (``reader/core/query.py``).

``date_range(">=2020-07")`` is ``(2020-07-01, None)``: a partial date stands for every day
it covers, and a comparison or a range ``a..b`` makes an inclusive interval (None: open).
A value that is not one raises :class:`BadValue`, whose message the query's error shows.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

__all__ = ["BadValue", "date_range", "iso_week", "year_range"]

_WEEK = re.compile(r"(\d{4})-?[Ww](\d{1,2})")
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_YEAR = re.compile(r"\d{4}")


class BadValue(ValueError):
    """Not a value the field takes; the message says what it wants."""


def iso_week(value: str) -> str:
    """``2020-W28`` from ``2020-W28``, ``2020w28`` or ``2020W8``."""
    m = _WEEK.fullmatch(value)
    if m:
        year, week = int(m.group(1)), int(m.group(2))
        try:
            dt.date.fromisocalendar(year, week, 1)
            return f"{year:04d}-W{week:02d}"
        except ValueError:
            pass
    raise BadValue(f'week: wants an ISO week like 2020-W28, not "{value}"')


_DATE_HELP = "a date like 2020, 2020-07 or 2020-07-12, after <, <=, >, >= or =, or a range 2020-07..2020-09"


def _day_span(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day a partial date stands for: 2020-07 -> (07-01, 07-31)."""
    m = _DATE.fullmatch(text)
    if not m:
        raise BadValue(f'date: wants {_DATE_HELP}; not "{text}"')
    try:
        year = int(m.group(1))
        if m.group(3):
            day = dt.date(year, int(m.group(2)), int(m.group(3)))
            return day, day
        if m.group(2):
            first = dt.date(year, int(m.group(2)), 1)
            return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        raise BadValue(f'"{text}" is not a date') from None


def _comparison(value: str) -> tuple[str, str, str]:
    """``(op, a, b)``: op is one of < <= > >= = .. and b is the range's end."""
    if ".." in value:
        a, _, b = value.partition("..")
        return "..", a.strip(), b.strip()
    for op in (">=", "<=", ">", "<", "="):
        if value.startswith(op):
            return op, value[len(op) :].strip(), ""
    return "=", value, ""


def date_range(value: str) -> tuple[dt.date | None, dt.date | None]:
    """The days ``date:VALUE`` covers, first and last (None: open)."""
    op, a, b = _comparison(value)
    if op == "..":
        if not a and not b:
            raise BadValue(f"date: wants {_DATE_HELP}")
        lo = _day_span(a)[0] if a else None
        hi = _day_span(b)[1] if b else None
        if lo is not None and hi is not None and lo > hi:
            raise BadValue("this range ends before it starts")
        return lo, hi
    first, last = _day_span(a)
    try:
        if op == ">=":
            return first, None
        if op == ">":
            return last + dt.timedelta(days=1), None
        if op == "<=":
            return None, last
        if op == "<":
            return None, first - dt.timedelta(days=1)
    except OverflowError:
        raise BadValue(f"no date after {last.isoformat()}" if op == ">" else f"no date before {first.isoformat()}") from None
    return first, last


def _year(text: str) -> int:
    if not _YEAR.fullmatch(text):
        raise BadValue(f'year: wants a year like 2020 (or >=2019, 2018..2020); not "{text}"')
    return int(text)


def year_range(value: str) -> tuple[int | None, int | None]:
    """The years ``year:VALUE`` covers, first and last (None: open)."""
    op, a, b = _comparison(value)
    if op == "..":
        if not a and not b:
            raise BadValue("year: wants a year like 2020 (or >=2019, 2018..2020)")
        lo = _year(a) if a else None
        hi = _year(b) if b else None
        if lo is not None and hi is not None and lo > hi:
            raise BadValue("this range ends before it starts")
        return lo, hi
    year = _year(a)
    return {
        ">=": (year, None), ">": (year + 1, None), "<=": (None, year), "<": (None, year - 1),
    }.get(op, (year, year))
