"""Where the database lives, who is operating, which language: resolved once per run.

Precedence, highest first: command-line flag, environment variable, config file, default.
The config file is TOML at ``<user config dir>/branchdesk/config.toml`` (or ``BRANCHDESK_CONFIG``)::

    operator = "李娜"
    language = "zh"
    branch_name = "上海浦东营业部"
    dormant_days = 30
    tier_thresholds = [100000, 500000, 3000000]   # yuan: silver, gold, diamond
    timezone = "Asia/Shanghai"

Features read their own tables of the file (e.g. ``[complaints]``, ``[workdays.2027]``) from
`Settings.config`.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from branchdesk.datetimes import DEFAULT_TIMEZONE, zone, zone_named
from branchdesk.errors import UserError
from branchdesk.i18n import system_language
from branchdesk.member_fields import DEFAULT_TIER_THRESHOLDS

APP_NAME = "branchdesk"


def default_db_path() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "branchdesk.db"


def demo_db_path() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "demo.db"


def config_path() -> Path:
    env = os.environ.get("BRANCHDESK_CONFIG")
    if env:
        return Path(env)
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / "config.toml"


def os_login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on some locked-down or container systems
        return "unknown"


@dataclass
class Settings:
    db_path: Path
    operator: str
    language: str
    branch_name: str = ""
    dormant_days: int = 30
    tier_thresholds: tuple[float, float, float] = DEFAULT_TIER_THRESHOLDS
    timezone: str = DEFAULT_TIMEZONE  # the branch's: events, calendars, dates typed
    config_file: Path | None = field(default=None)
    config: dict = field(default_factory=dict)  # the whole file, for the features' own tables

    @property
    def tz(self):
        """The branch's time zone (a ZoneInfo)."""
        return zone(self.timezone)


def read_config(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UserError("settings.bad_config", file=str(path), error=str(error)) from error


def load_settings(
    *, db: str | None = None, user: str | None = None, lang: str | None = None
) -> Settings:
    """Resolve the settings for this run from flags, environment, config file and defaults."""
    cfg_file = config_path()
    cfg = read_config(cfg_file)
    db_path = Path(db or os.environ.get("BRANCHDESK_DB") or cfg.get("db") or default_db_path())
    operator = (user or os.environ.get("BRANCHDESK_USER") or cfg.get("operator") or os_login()).strip()
    language = lang or os.environ.get("BRANCHDESK_LANG") or cfg.get("language") or system_language()
    if language not in ("zh", "en"):
        raise UserError("settings.bad_language", language=language)
    thresholds = cfg.get("tier_thresholds", DEFAULT_TIER_THRESHOLDS)
    try:
        silver, gold, diamond = (float(x) for x in thresholds)
        dormant_days = int(cfg.get("dormant_days", 30))
        if dormant_days < 1:
            raise ValueError(f"dormant_days = {dormant_days}: use a number of days, 1 or more")
        timezone = str(cfg.get("timezone", DEFAULT_TIMEZONE))
        zone_named(timezone)
    except (TypeError, ValueError) as error:
        raise UserError("settings.bad_config", file=str(cfg_file), error=str(error)) from error
    return Settings(
        db_path=db_path.expanduser(),
        operator=operator or "unknown",
        language=language,
        branch_name=str(cfg.get("branch_name", "")),
        dormant_days=dormant_days,
        tier_thresholds=(silver, gold, diamond),
        timezone=timezone,
        config_file=cfg_file if cfg else None,
        config=cfg,
    )
