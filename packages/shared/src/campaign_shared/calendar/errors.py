"""The single error type of the calendar package, with stable codes the API maps to field errors."""

from __future__ import annotations

from enum import StrEnum


class CalendarErrorCode(StrEnum):
    """Stable machine-readable reasons; values are plain strings so they serialise as-is."""

    INVALID_FORMAT = "INVALID_FORMAT"
    """The text is neither `YYYY-MM-DD[ HH:MM[:SS]]` nor the long form."""
    INVALID_DATE = "INVALID_DATE"
    """Month or day outside the calendar (day 31 of a 30-day month, era year outside its era, …)."""
    INVALID_TIME = "INVALID_TIME"
    """Hour, minute or second outside the calendar's day (hour 25)."""
    UNKNOWN_MONTH = "UNKNOWN_MONTH"
    UNKNOWN_ERA = "UNKNOWN_ERA"
    UNKNOWN_WEEKDAY = "UNKNOWN_WEEKDAY"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    """The world time does not fit in a signed 64-bit integer."""
    UNKNOWN_PRESET = "UNKNOWN_PRESET"
    INVALID_CALENDAR = "INVALID_CALENDAR"
    """A calendar definition failed validation (see `details`)."""


class CalendarError(ValueError):
    """Bad world-time input or calendar definition.

    A `ValueError` so generic input handling keeps working; `code` lets the API return a stable
    `extensions.code`/field detail instead of parsing messages.
    """

    def __init__(
        self,
        code: CalendarErrorCode,
        message: str,
        *,
        field: str | None = None,
        details: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.code: CalendarErrorCode = code
        self.message: str = message
        self.field: str | None = field
        self.details: list[dict[str, str]] = details or []
        """Per-field problems (`{"field": "months.1.days", "message": ...}`) for INVALID_CALENDAR."""

    def __repr__(self) -> str:
        return f"CalendarError({self.code.value}, {self.message!r})"
