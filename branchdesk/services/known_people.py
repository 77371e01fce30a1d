"""Names a user types for a person of the branch (a complaint's owner, who made a contact,
an advisor to list for): active staff and the roster's advisors. A name nobody has is a typo
to point out, not a filter that quietly finds nothing."""

from __future__ import annotations

from branchdesk.errors import UserError
from branchdesk.store import complaints as complaint_rows
from branchdesk.store.database import Store

SHOWN = 12  # names listed in the message


def known_people(store: Store) -> list[str]:
    """Active staff and the roster's advisors, in order."""
    return complaint_rows.owner_names(store.conn)


def check_known(store: Store, name: str) -> str:
    """`name` with its spaces tidied; UserError naming the known names when nobody has it (a
    branch with no staff and no advisors yet takes any name)."""
    name = " ".join(name.split())
    known = known_people(store)
    if known and name not in known:
        shown = "、".join(known[:SHOWN]) + ("…" if len(known) > SHOWN else "")
        raise UserError("engagement.owner_unknown", owner=name, known=shown)
    return name
