"""What every screen reaches through the app: the database and who is operating."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from branchdesk.store.database import Store


class AppContext:
    """Mixin for a Screen: `self.store` and `self.operator`, from the running BranchDeskApp."""

    @property
    def store(self) -> Store:
        return self.app.store  # type: ignore[attr-defined]

    @property
    def operator(self) -> str:
        return self.app.settings.operator  # type: ignore[attr-defined]
