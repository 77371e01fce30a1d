"""Staff members, their roles and passwords.

Approval is done in a reviewer's own name at a shared PC, so it takes that reviewer's
password; passwords are stored as salted scrypt hashes. Giving someone the reviewer or
manager role, or resetting another person's password, takes a manager's password once the
branch has a manager (the first manager is created freely, to get started).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from branchdesk.errors import UserError
from branchdesk.store import audit
from branchdesk.store import staff as staff_rows
from branchdesk.store.database import Store

ROLES = ("staff", "reviewer", "manager")
# scrypt cost: about 50 ms per check here, slow enough to make guessing expensive.
_N, _R, _P = 2**14, 8, 1
MIN_PASSWORD = 6


@dataclass(frozen=True)
class Credentials:
    name: str
    password: str


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt),
                               n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate.hex(), digest)


def authenticate(store: Store, credentials: Credentials, *, role: str | None = None) -> dict:
    """The staff row if the name and password are right (and the role fits), else UserError."""
    person = staff_rows.get(store.conn, credentials.name)
    if person is None or not person["active"] or not password_matches(
            credentials.password, person["password_hash"]):
        raise UserError("staff.wrong_password", name=credentials.name)
    if role and person["role"] != role and not (role == "reviewer" and person["role"] == "manager"):
        raise UserError("staff.needs_role", name=credentials.name, role=role)
    return person


def _check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError("staff.short_password", minimum=MIN_PASSWORD)


def _require_manager_if_any(store: Store, manager: Credentials | None) -> None:
    if staff_rows.count_with_role(store.conn, "manager") == 0:
        return
    if manager is None:
        raise UserError("staff.manager_needed")
    authenticate(store, manager, role="manager")


def add_staff(store: Store, operator: str, name: str, role: str, password: str | None = None,
              manager: Credentials | None = None) -> None:
    name = name.strip()
    if not name:
        raise UserError("staff.empty_name")
    if role not in ROLES:
        raise UserError("staff.bad_role", role=role, roles=", ".join(ROLES))
    if role != "staff":
        _require_manager_if_any(store, manager)
    if password is not None:
        _check_password_strength(password)
    with store.transaction() as conn:
        if staff_rows.get(conn, name):
            raise UserError("staff.exists", name=name)
        staff_rows.insert(conn, name, role, hash_password(password) if password else None)
        audit.append(conn, operator=operator, action="staff.add", entity="staff", entity_id=name,
                     after={"role": role, "password_set": password is not None})


def set_role(store: Store, operator: str, name: str, role: str,
             manager: Credentials | None = None) -> None:
    if role not in ROLES:
        raise UserError("staff.bad_role", role=role, roles=", ".join(ROLES))
    _require_manager_if_any(store, manager)
    with store.transaction() as conn:
        person = staff_rows.get(conn, name)
        if person is None:
            raise UserError("staff.no_such", name=name)
        staff_rows.update(conn, name, role=role)
        audit.append(conn, operator=operator, action="staff.role", entity="staff", entity_id=name,
                     before={"role": person["role"]}, after={"role": role})


def set_password(store: Store, operator: str, name: str, new_password: str, *,
                 old_password: str | None = None, manager: Credentials | None = None) -> None:
    """Set a password: the person's own old one, or a manager's, is needed once one is set."""
    person = staff_rows.get(store.conn, name)
    if person is None:
        raise UserError("staff.no_such", name=name)
    if person["password_hash"]:
        own = old_password is not None and password_matches(old_password, person["password_hash"])
        if not own:
            if manager is None:
                raise UserError("staff.wrong_password", name=name)
            authenticate(store, manager, role="manager")
    _check_password_strength(new_password)
    with store.transaction() as conn:
        staff_rows.update(conn, name, password_hash=hash_password(new_password))
        audit.append(conn, operator=operator, action="staff.password", entity="staff",
                     entity_id=name)


def deactivate(store: Store, operator: str, name: str, manager: Credentials | None = None) -> None:
    _require_manager_if_any(store, manager)
    with store.transaction() as conn:
        if staff_rows.get(conn, name) is None:
            raise UserError("staff.no_such", name=name)
        staff_rows.update(conn, name, active=0)
        audit.append(conn, operator=operator, action="staff.deactivate", entity="staff",
                     entity_id=name)


def list_staff(store: Store) -> list[dict]:
    return [{k: v for k, v in row.items() if k != "password_hash"} | {
        "password_set": bool(row["password_hash"])} for row in staff_rows.all_staff(store.conn)]


def has_password(store: Store, name: str) -> bool:
    person = staff_rows.get(store.conn, name)
    return bool(person and person["password_hash"])
