"""MEMBER as people write it on the command line: a member id, an account number or a mobile
number. One match or one clear error — a mobile number shared by a family is never guessed."""

from __future__ import annotations

import re
import sqlite3

from branchdesk.errors import UserError
from branchdesk.member_fields import mask_phone, typed_numbers
from branchdesk.store import erased
from branchdesk.store.member_refs import by_column as _by
from branchdesk.store.member_refs import exists as exists

_ID = re.compile(r"^(?:#|id:)?\s*(\d{1,9})$", re.IGNORECASE)
_PHONE_JUNK = str.maketrans("", "", " -()（）")


def typed_keys(text: str) -> list[str]:
    """The keys a typed member reference may stand for, most literal first: the text with its
    numbers in ASCII (full-width digits folded), then — when it differs — without spaces,
    dashes, brackets and a +86 (``152 9282 2045`` → ``15292822045``)."""
    typed = " ".join(typed_numbers(str(text)).split())
    squeezed = typed.translate(_PHONE_JUNK)
    if squeezed.startswith("+86"):
        squeezed = squeezed[3:]
    return [typed] if squeezed in (typed, "") else [typed, squeezed]


def refuse_erased(conn: sqlite3.Connection, member_id: int,
                  key: str = "erasure.member_erased") -> None:
    """An erased member (个人信息保护法 §47) is not registered, followed up or written about
    again: one clear UserError (`key` says what is refused) before anything is written."""
    if erased.is_erased(conn, member_id):
        raise UserError(key, id=member_id)


def resolve(conn: sqlite3.Connection, text: str) -> int:
    """The member id `text` names; UserError when none or several members match."""
    raw = " ".join(str(text).split())
    if not raw:
        raise UserError("engagement.member_blank")
    keys = typed_keys(raw)
    explicit = raw.lower().startswith(("#", "id:"))
    if not explicit:
        for key in keys:
            found = _by(conn, "account_no", key)
            if found:
                return found[0][0]
        digits = keys[-1]
        if re.fullmatch(r"1[3-9]\d{9}", digits):
            found = _by(conn, "phone", digits)
            if len(found) == 1:
                return found[0][0]
            if len(found) > 1:
                listed = "; ".join(f"{member_id} {name}" for member_id, name, _ in found)
                raise UserError("engagement.member_ambiguous", value=mask_phone(digits),
                                count=len(found), members=listed)
    match = _ID.match(keys[0])
    if match:
        member_id = int(match.group(1))
        if exists(conn, member_id):
            return member_id
    raise UserError("engagement.member_unknown", value=raw)
