"""Date helpers shared by the parsers: precision-aware birth dates and sanity checks."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from .model import BirthDate

# Beyond these a date is a publisher's typo (the DPL has Last_Update 3017-08-22).
MIN_YEAR = 1850
MAX_YEAR = 2100


def plausible_year(year: int | None) -> bool:
    return year is not None and MIN_YEAR <= year <= MAX_YEAR


def birth_date(text: str, year: int | None, month: int | None = None, day: int | None = None,
               year_to: int | None = None, location: str | None = None) -> BirthDate:
    """Build a BirthDate whose precision follows the parts that are known (0 or None = unknown)."""
    month = month or None
    day = day or None
    if year_to and year_to != year:
        precision = "range"
    elif day and month:
        precision = "day"
    elif month:
        precision = "month"
    else:
        precision = "year"
    return BirthDate(text=text, year=year, month=month, day=day if month else None,
                     precision=precision, year_to=year_to if precision == "range" else None,
                     location=location)


def parse_iso_date(text: str | None) -> date | None:
    """YYYY-MM-DD (optionally followed by a time) to a date; None when blank or invalid."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def parse_dmy(text: str | None) -> date | None:
    """dd/mm/yyyy to a date; None when blank or invalid."""
    if not text:
        return None
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def parse_mdy(text: str | None) -> date | None:
    """MM/DD/YYYY (US publishers) to a date; None when blank or invalid."""
    if not text:
        return None
    try:
        return datetime.strptime(text.strip(), "%m/%d/%Y").date()
    except ValueError:
        return None


def excel_serial_to_date(serial: float) -> date:
    """Excel 1900-system serial number to a date (Excel's 1900 leap-year bug included)."""
    return date(1899, 12, 30) + timedelta(days=int(serial))
