"""Engagement settings from the branch's config file: how long until a member is dormant, the
complaint deadlines per channel and category, and the branch's own working-day schedules.

    dormant_days = 30

    [complaints]                      # working days (工作日)
    first_response_days = 1
    resolution_days = 10
    [complaints.channel.regulator]    # referrals such as the 12386 hotline
    resolution_days = 5
    [complaints.category.privacy]
    resolution_days = 5

    [workdays.2027]                   # the official schedule, once it is published
    holidays = ["2027-01-01", "2027-02-06..2027-02-12"]
    workdays = ["2027-02-14"]         # make-up working days (调休)

When a channel and a category both set a deadline, the stricter (shorter) one applies.
Pure: no Textual, no SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from branchdesk.engagement_enums import ComplaintCategory, ComplaintChannel, codes
from branchdesk.errors import UserError
from branchdesk.workdays import ScheduleError, WorkCalendar, parse_schedules

_KEYS = ("first_response_days", "resolution_days")


@dataclass(frozen=True)
class DeadlineDays:
    first_response: int
    resolution: int


DEFAULT_DEADLINES = DeadlineDays(first_response=1, resolution=10)
# Regulator referrals (12386 and the like) are answered sooner than the branch's own.
DEFAULT_BY_CHANNEL: dict[str, dict[str, int]] = {"regulator": {"resolution_days": 5}}


@dataclass(frozen=True)
class ComplaintDeadlines:
    default: DeadlineDays = DEFAULT_DEADLINES
    by_channel: Mapping[str, Mapping[str, int]] = field(
        default_factory=lambda: dict(DEFAULT_BY_CHANNEL))
    by_category: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def days_for(self, channel: str, category: str) -> DeadlineDays:
        values = {"first_response_days": self.default.first_response,
                  "resolution_days": self.default.resolution}
        for key in _KEYS:
            specific = [table[key] for table in (self.by_channel.get(channel, {}),
                                                 self.by_category.get(category, {}))
                        if key in table]
            if specific:
                values[key] = min(specific)
        return DeadlineDays(values["first_response_days"], values["resolution_days"])


@dataclass(frozen=True)
class EngagementConfig:
    dormant_days: int = 30
    deadlines: ComplaintDeadlines = field(default_factory=ComplaintDeadlines)
    calendar: WorkCalendar = field(default_factory=WorkCalendar)


def _days(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{where} = {value!r}: write a whole number of working days, 1 or more")
    return value


def _table(value: Any, where: str, allowed: tuple[str, ...]) -> dict[str, Mapping[str, int]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(f"[{where}] must be a table")
    out: dict[str, Mapping[str, int]] = {}
    for name, body in value.items():
        if name not in allowed:
            raise ValueError(f"[{where}.{name}]: unknown; use one of {', '.join(allowed)}")
        if not isinstance(body, Mapping) or set(body) - set(_KEYS):
            raise ValueError(f"[{where}.{name}] holds first_response_days and resolution_days")
        out[name] = {key: _days(days, f"[{where}.{name}] {key}") for key, days in body.items()}
    return out


def parse(config: Mapping[str, Any], dormant_days: int = 30) -> EngagementConfig:
    """The engagement settings in a parsed config file; ValueError names what is wrong."""
    complaints = config.get("complaints") or {}
    if not isinstance(complaints, Mapping):
        raise ValueError("[complaints] must be a table")
    unknown = set(complaints) - {*_KEYS, "channel", "category"}
    if unknown:
        raise ValueError(f"[complaints]: unknown key {', '.join(sorted(unknown))}")
    default = DeadlineDays(
        _days(complaints.get("first_response_days", DEFAULT_DEADLINES.first_response),
              "[complaints] first_response_days"),
        _days(complaints.get("resolution_days", DEFAULT_DEADLINES.resolution),
              "[complaints] resolution_days"))
    by_channel = {**DEFAULT_BY_CHANNEL,
                  **_table(complaints.get("channel"), "complaints.channel", codes(ComplaintChannel))}
    by_category = _table(complaints.get("category"), "complaints.category", codes(ComplaintCategory))
    try:
        schedules = parse_schedules(config.get("workdays"))
    except ScheduleError as error:
        raise ValueError(str(error)) from None
    return EngagementConfig(dormant_days, ComplaintDeadlines(default, by_channel, by_category),
                            WorkCalendar(schedules))


def from_settings(settings: Any) -> EngagementConfig:
    """The engagement settings of a run; a mistake in the file is one clear UserError."""
    try:
        return parse(getattr(settings, "config", {}) or {}, settings.dormant_days)
    except ValueError as error:
        raise UserError("settings.bad_config", file=str(settings.config_file or "config.toml"),
                        error=str(error)) from error
