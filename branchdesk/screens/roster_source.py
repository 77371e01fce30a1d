"""Where the roster table's rows come from: the roster service, for the table's worker threads."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from branchdesk import datetimes
from branchdesk.models import Member, MemberQuery
from branchdesk.services import roster, roster_listing
from branchdesk.settings import Settings

if TYPE_CHECKING:
    from branchdesk.store.database import Store


class RosterSource:
    """The roster service as the table sees it. Called from worker threads (the store gives
    each thread its own connection)."""

    def __init__(self, store: Store, settings: Settings, today: date | None = None) -> None:
        self.store = store
        self.settings = settings
        self.today = today  # fixed in tests and snapshots; None means the real date
        self._audited_search = ""

    def _today(self) -> date:
        return self.today or datetimes.today()  # the branch's date, as every list uses

    def page(self, query: MemberQuery, offset: int, limit: int) -> list[Member]:
        if offset == 0 and query.search and query.search != self._audited_search:
            # A whole phone or account number searched for is audited like a reveal (once
            # for the search shown, not again for each page or reload of it).
            self._audited_search = query.search
            roster_listing.audit_number_search(self.store, self.settings.operator, query)
        return roster.list_members(self.store, query, offset=offset, limit=limit,
                                   today=self._today(), thresholds=self.settings.tier_thresholds)

    def count(self, query: MemberQuery) -> int:
        return roster.count_members(self.store, query, self._today())

    def is_dormant(self, member: Member) -> bool:
        # Marked by the listing itself, with the rule of the "dormant only" filter.
        return bool(member.dormant)
