"""Where the database lives, who is operating, which language: resolved once per run.

Precedence, highest first: command-line flag, environment variable, config file, default.
The config file is TOML at ``<user config dir>/branchdesk/config.toml`` (or ``BRANCHDESK_CONFIG``)::

    operator = "李娜"
    language = "zh"
    branch_name = "上海浦东营业部"
    dormant_days = 30
    tier_thresholds = [100000, 500000, 3000000]   # yuan: silver, gold, diamond
    timezone = "Asia/Shanghai"   # the branch's: events, calendars, dates typed
    backup_keep = 7             # a backup on the first start of each day; the newest 7 kept
    backup_folder = "D:/备份"    # default: a "backups" folder beside the database

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
from branchdesk.i18n import system_language, t
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
    backup_keep: int = 7                 # daily backups kept (0: none made)
    backup_folder: Path | None = None    # default: "backups" beside the database
    config: dict = field(default_factory=dict)  # the whole file, for the features' own tables

    @property
    def tz(self):
        """The branch's time zone (a ZoneInfo)."""
        return zone(self.timezone)


def read_config(path: Path) -> dict:
    try:
        if not path.is_file():
            return {}
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UserError("settings.bad_config", file=str(path), error=str(error)) from error


# Each setting's type, declared once: a value of another type is one clear message naming the
# key, never a traceback (the file is read for every command, `--help` included).
_TYPES: dict[str, tuple[type, ...]] = {
    "db": (str,), "operator": (str,), "language": (str,), "branch_name": (str,),
    "dormant_days": (int,), "tier_thresholds": (list,),
    "backup_keep": (int,), "backup_folder": (str,), "timezone": (str,),
    "complaints": (dict,), "workdays": (dict,),  # the features' own tables
}


def _typed(cfg: dict, file: Path, key: str) -> object:
    """The value of `key`, checked against its type (None when not set)."""
    if key not in cfg:
        return None
    value = cfg[key]
    kinds = _TYPES[key]
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise UserError("config_check.wrong_type", file=str(file), key=key,
                        expected=" / ".join(t(f"config_check.type_{k.__name__}") for k in kinds),
                        found=repr(value)[:60])
    return value


def _in_range(file: Path, key: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise UserError("config_check.out_of_range", file=str(file), key=key, value=value,
                        low=low, high=high)
    return value


def load_settings(
    *, db: str | None = None, user: str | None = None, lang: str | None = None
) -> Settings:
    """Resolve the settings for this run from flags, environment, config file and defaults."""
    cfg_file = config_path()
    cfg = read_config(cfg_file)
    if not isinstance(cfg, dict):
        cfg = {}
    cfg_db, cfg_operator = _typed(cfg, cfg_file, "db"), _typed(cfg, cfg_file, "operator")
    cfg_language = _typed(cfg, cfg_file, "language")
    db_path = Path(db or os.environ.get("BRANCHDESK_DB") or cfg_db or default_db_path())
    operator = str(user or os.environ.get("BRANCHDESK_USER") or cfg_operator or os_login()).strip()
    language = lang or os.environ.get("BRANCHDESK_LANG") or cfg_language or system_language()
    if language not in ("zh", "en"):
        raise UserError("settings.bad_language", language=language)
    thresholds = _typed(cfg, cfg_file, "tier_thresholds")
    if thresholds is None:
        thresholds = DEFAULT_TIER_THRESHOLDS
    numbers = [x for x in thresholds if isinstance(x, int | float) and not isinstance(x, bool)]
    if len(numbers) != 3 or len(thresholds) != 3 or any(x < 0 for x in numbers):
        raise UserError("config_check.bad_thresholds", file=str(cfg_file), value=repr(thresholds)[:60])
    silver, gold, diamond = (float(x) for x in numbers)
    dormant = _typed(cfg, cfg_file, "dormant_days")
    dormant_days = _in_range(cfg_file, "dormant_days", dormant, 1, 3650) if dormant is not None else 30
    keep = _typed(cfg, cfg_file, "backup_keep")
    backup_keep = _in_range(cfg_file, "backup_keep", keep, 0, 366) if keep is not None else 7
    folder = _typed(cfg, cfg_file, "backup_folder")
    branch = _typed(cfg, cfg_file, "branch_name")
    timezone = _typed(cfg, cfg_file, "timezone")
    timezone = str(timezone or DEFAULT_TIMEZONE)
    try:
        zone_named(timezone)
    except ValueError as error:
        raise UserError("settings.bad_config", file=str(cfg_file), error=str(error)) from error
    for table in ("complaints", "workdays"):
        _typed(cfg, cfg_file, table)
    return Settings(
        db_path=db_path.expanduser(),
        operator=operator or "unknown",
        language=language,
        branch_name=str(branch or ""),
        dormant_days=dormant_days,
        tier_thresholds=(silver, gold, diamond),
        timezone=timezone,
        config_file=cfg_file if cfg else None,
        backup_keep=backup_keep,
        backup_folder=Path(folder).expanduser() if folder else None,
        config=cfg,
    )
