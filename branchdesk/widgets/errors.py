"""One sentence for an error the user should see, whatever raised it."""

from __future__ import annotations

import sqlite3

from branchdesk.errors import UserError
from branchdesk.i18n import t


def error_text(error: BaseException) -> str:
    """A UserError speaks for itself; a database error says nothing was changed."""
    if isinstance(error, UserError):
        return error.message
    if isinstance(error, sqlite3.Error):
        return t("app.db_error", error=str(error))
    return t("app.unexpected_error", error=f"{type(error).__name__}: {error}")


def is_user_facing(error: BaseException) -> bool:
    """Errors the app reports and survives: bad input, a busy or unreadable database."""
    return isinstance(error, (UserError, sqlite3.Error))
