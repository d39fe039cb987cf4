"""Dates and names of digests: in headings (``# 200712 …``, ``## 2018-02``, ``Week of February 5,
2026``, ``2026-W06``, ``(June 23 - June 29) - 2025``), in file and folder names
(``notes__2023__230206 SmoothQuant.md``, ``2026-W06/README.md``), and the readable name every
digest gets: its heading, else its file's stem."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from pathlib import PurePath

from msgspec import Struct

_DAY_TOKEN = r"(?P<date>\d{6}|\d{4}-\d{2}-\d{2})(?![\d-])"
_PREFIX_DAY = re.compile(_DAY_TOKEN + r"(?:[ \t]+(?P<title>.*))?")
_PREFIX_MONTH = re.compile(r"(?P<y>(?:19|20)\d\d)[-./](?P<m>0[1-9]|1[0-2])(?![\d-])(?:[ \t]+(?P<title>.*))?")
_ISO_WEEK = re.compile(r"(?<![\w-])(?P<y>(?:19|20)\d\d)-?W(?P<w>\d\d)(?!\d)")
_ISO_DAY = re.compile(r"(?<![\w-])(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)(?![\d-])")
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_MONTH_DAY_YEAR = re.compile(
    rf"\b(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}}){_ORD},?\s+(?P<y>(?:19|20)\d\d)\b"
    rf"|\b(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH})\s+(?P<y2>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_WEEK_OF = re.compile(r"\bweek\s+of\b", re.IGNORECASE)
# A week's range: "(June 23 - June 29) - 2025", "(Feb 6 - 12)", "(Mar 13-Mar 19)", "(Jan 30-Feb 5)".
_RANGE = re.compile(
    rf"\b(?P<m1>{_MONTH})\s*(?P<d1>\d{{1,2}}){_ORD}\s*(?:-|–|—|~|to)\s*(?:(?P<m2>{_MONTH})\s*)?(?P<d2>\d{{1,2}}){_ORD}\b"
    rf"(?:[^\w\n]{{0,6}}(?P<y>(?:19|20)\d\d)\b)?",
    re.IGNORECASE,
)
_FILE_DAY = re.compile(r"(?<![A-Za-z0-9])(?P<date>\d{6}|(?:19|20)\d\d-\d\d-\d\d)(?!\d)")
_MONTHS = {name: n for n, names in enumerate(
    ("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july", "aug august",
     "sep sept september", "oct october", "nov november", "dec december"), 1) for name in names.split()}
_STEM_JUNK = " \t_-–—.,:;·"
GENERIC_STEMS = frozenset(
    "readme index notes note untitled draft digest digests week weekly paper papers reading todo inbox".split()
)


class HeadingDate(Struct, frozen=True):
    """A date a heading names. ``year`` None: a week's range whose year is to be found elsewhere."""

    month: int
    day: int
    year: int | None
    title: str | None = None  # the heading's text after a leading date (``# 200712 Title``)
    prefix: bool = False  # the date leads the heading
    end_month: int | None = None  # of a range: the month its last day is in

    def date(self, year: int | None = None) -> dt.date | None:
        year = self.year if year is None else year
        if year is None:
            return None
        if self.year is not None and self.end_month is not None and self.end_month < self.month:
            year -= 1  # "(December 30 - January 5) - 2025": the year is the week's end's
        return _safe_date(year, self.month, self.day)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def date_from_token(token: str) -> dt.date | None:
    """``191210`` -> 2019-12-10, ``2020-07-12`` -> 2020-07-12; None for an impossible date."""
    try:
        if len(token) == 6:
            yy, month, day = int(token[:2]), int(token[2:4]), int(token[4:])
            return dt.date(1900 + yy if yy >= 90 else 2000 + yy, month, day)
        return dt.date.fromisoformat(token)
    except ValueError:
        return None


def _of(day: dt.date | None, title: str | None = None, prefix: bool = False) -> HeadingDate | None:
    return HeadingDate(day.month, day.day, day.year, title, prefix) if day else None


def _month(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def heading_date(text: str) -> HeadingDate | None:
    """The date a heading's text names, if any (see the module docstring for the forms)."""
    text = text.strip().strip("*_")
    m = _PREFIX_DAY.fullmatch(text)
    if m is not None:
        return _of(date_from_token(m.group("date")), (m.group("title") or "").strip() or None, True)
    m = _PREFIX_MONTH.fullmatch(text)
    if m is not None:
        return HeadingDate(int(m.group("m")), 1, int(m.group("y")), (m.group("title") or "").strip() or None, True)
    m = _WEEK_OF.search(text)
    if m is not None:
        found = _day_in(text[m.end() : m.end() + 40])
        if found is not None:
            return _of(found)
    m = _ISO_WEEK.search(text)
    if m is not None:
        return _of(iso_week_monday(int(m.group("y")), int(m.group("w"))))
    found = _day_in(text)
    if found is not None:
        return _of(found)
    m = _RANGE.search(text)
    if m is not None:
        year = int(m.group("y")) if m.group("y") else None
        end_month = _month(m.group("m2")) if m.group("m2") else None
        if _safe_date(2000, _month(m.group("m1")), int(m.group("d1"))) is not None:
            return HeadingDate(_month(m.group("m1")), int(m.group("d1")), year, end_month=end_month)
    return None


def _day_in(text: str) -> dt.date | None:
    """The first ``YYYY-MM-DD`` or ``Month D, YYYY`` / ``D Month YYYY`` date in ``text``."""
    m = _ISO_DAY.search(text)
    if m is not None:
        found = _safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if found is not None:
            return found
    m = _MONTH_DAY_YEAR.search(text)
    if m is not None:
        if m.group("m"):
            return _safe_date(int(m.group("y")), _month(m.group("m")), int(m.group("d")))
        return _safe_date(int(m.group("y2")), _month(m.group("m2")), int(m.group("d2")))
    return None


def iso_week_monday(year: int, week: int) -> dt.date | None:
    try:
        return dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        return None


def year_for(heading: HeadingDate, ids: list[str], near: list[dt.date]) -> int | None:
    """The year of a week heading that gives none: from the papers' own ids (new-style ids start
    with their year and month), else from the nearest dated sections around it."""
    months = Counter(i[:4] for i in ids if len(i) > 4 and i[4] == "." and i[:4].isdigit())
    if months:
        yymm = months.most_common(1)[0][0]
        return _closest_year(heading, dt.date(2000 + int(yymm[:2]), int(yymm[2:]), 15))
    if near:
        return _closest_year(heading, near[0])
    return None


def _closest_year(heading: HeadingDate, target: dt.date) -> int | None:
    best = None
    for year in (target.year - 1, target.year, target.year + 1):
        day = _safe_date(year, heading.month, heading.day)
        if day is not None and (best is None or abs((day - target).days) < abs((best - target).days)):
            best = day
    return best.year if best else None


def _path(source: str | os.PathLike[str] | None) -> PurePath | None:
    if source is None:
        return None
    text = os.fspath(source)
    return None if not text or text.startswith("<") else PurePath(text)


def file_date(source: str | os.PathLike[str] | None) -> dt.date | None:
    """A date in the file's name (``YYMMDD`` or ``YYYY-MM-DD``, after other words too, or an ISO
    week ``2026-W06``), else an ISO week in the name of the folder it is in."""
    path = _path(source)
    if path is None:
        return None
    for m in _FILE_DAY.finditer(path.stem):
        found = date_from_token(m.group("date"))
        if found is not None:
            return found
    for name in (path.stem, path.parent.name):
        week = _ISO_WEEK.search(name)
        if week is not None:
            return iso_week_monday(int(week.group("y")), int(week.group("w")))
    return None


def file_title(source: str | os.PathLike[str] | None) -> str | None:
    """A one-paper note's title from its file name: ``190620 XLNet.md`` -> ``XLNet``; None for a
    name that is only a date or a generic word (``README``, ``notes``)."""
    path = _path(source)
    if path is None:
        return None
    stem = path.stem
    dates = list(_FILE_DAY.finditer(stem))
    if dates:
        stem = stem[dates[-1].end() :]
    stem = " ".join(stem.strip(_STEM_JUNK).split())
    if not stem or stem.lower() in GENERIC_STEMS or _ISO_WEEK.fullmatch(stem):
        return None
    return stem


def file_name(source: str | os.PathLike[str] | None) -> str | None:
    """A digest's name from its file: the stem, with its folder when the stem says nothing
    (``2026-W06/README``)."""
    path = _path(source)
    if path is None:
        return None
    if path.stem.lower() in GENERIC_STEMS and path.parent.name:
        return f"{path.parent.name}/{path.stem}"
    return path.stem or None
