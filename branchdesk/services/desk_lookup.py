"""A member as people name them at a desk: what scripts pass (an account number, a mobile
number, an id) or, failing that, a name or part of one, or a mobile's last digits, searched in
the roster as the door and the roster's search box do. One match or one clear message: several
are listed masked, never guessed."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.member_fields import mask_phone
from branchdesk.member_query import MemberQuery
from branchdesk.services.member_lookup import typed_keys
from branchdesk.store import member_listing, member_lookups
from branchdesk.store import members as member_rows
from branchdesk.store.database import Store

ROSTER_MATCHES = 20  # how many roster members a name or last digits may list
LISTED = 5  # how many of several matches a message names
TAIL_DIGITS = 4  # typed digits up to this many are a mobile's last digits, as at the door
_NUMBERED = re.compile(r"#\s*(\d{1,9})")


def find_member(store: Store, text: str) -> int:
    """MEMBER as scripts pass it: an account number, a mobile number or a member id."""
    found: list[int] = []
    for key in typed_keys(text):  # as typed, then without spaces and dashes
        found = found or member_lookups.ids_by_key(store.conn, key)
    if not found:
        raise UserError("events.no_such_member", value=text)
    if len(found) > 1:
        names = [member_rows.get(store.conn, i) for i in found]
        listing = "; ".join(f"#{m['id']} {m['name']}" for m in names if m)
        raise UserError("events.several_members", value=text, members=listing)
    return found[0]


def roster_matches(store: Store, text: str, today: date) -> list[dict[str, Any]]:
    """Roster members whose name holds `text`, or whose mobile ends with it (digits)."""
    rows = member_listing.page(store.conn, MemberQuery(search=text), today, 0, ROSTER_MATCHES * 5)
    digits = text.isdigit()
    return [r for r in rows if text.lower() in r["name"].lower()
            or (digits and (r["phone"] or "").endswith(text))][:ROSTER_MATCHES]


def lookup_member(store: Store, text: str, today: date) -> int:
    """The member `text` names, as typed at a desk (see the module's note); a name that is
    one member's whole name wins over others that only contain it."""
    text = " ".join(str(text).split())
    if not text:
        raise UserError("events.member_blank")
    keys = typed_keys(text)  # a mobile's last digits, however typed (９２８２): its digits
    digits = keys[-1] if keys[-1].isdigit() and keys[-1].isascii() else None
    if numbered := _NUMBERED.fullmatch(keys[0]):  # #12: the member id, said as an id
        return find_member(store, numbered.group(1))
    if digits is None or len(digits) > TAIL_DIGITS:  # a few digits are a tail, never an id
        try:
            return find_member(store, text)
        except UserError as error:
            if error.key != "events.no_such_member":
                raise
    near = roster_matches(store, digits or keys[0], today)
    exact = [r for r in near if r["name"] == text]
    if len(exact) == 1 or len(near) == 1:
        return (exact or near)[0]["id"]
    if not near:
        raise UserError("events.no_member_named", value=text)
    listed = t("roster_fields.list_separator").join(
        f"{r['name']} {mask_phone(r['phone'])}" for r in near[:LISTED])
    more = "…" if len(near) > LISTED else ""
    raise UserError("events.several_named", value=text, members=listed + more)
