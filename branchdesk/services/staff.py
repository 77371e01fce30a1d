"""Staff members, their roles and passwords; who may do what.

Setting up a branch is explicit: `init_branch` makes the first staff member its manager, and
only on a database with no staff. After that, adding staff, changing a role, deactivating
someone or resetting another person's password takes an active manager's name and password;
approving a message, and changing what the compliance rules do, takes a reviewer's or a
manager's. The audit row of such an act names the person whose password was given.
Passwords are stored as salted scrypt hashes.

Once a branch has staff, the app starts with a sign-in and the CLI's operator (--user, or
the OS login) must be an active staff member: free text no longer becomes an operator.
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


def confirm_password(password: str, repeated: str) -> str:
    """A new password is typed twice: the same both times, and long enough."""
    if password != repeated:
        raise UserError("signin.passwords_differ")
    _check_password_strength(password)
    return password


def has_staff(store: Store) -> bool:
    """Whether the branch is set up: once it has staff, people sign in."""
    return staff_rows.count(store.conn) > 0


def _require_set_up(store: Store) -> None:
    if not has_staff(store):
        raise UserError("signin.not_set_up")


def authorise(store: Store, credentials: Credentials | None, role: str) -> str:
    """The name of the person whose password allows this act (`role`: "reviewer" also
    lets a manager), else one clear UserError. On a branch with no staff, nobody can."""
    _require_set_up(store)
    if credentials is None or not credentials.name.strip():
        raise UserError("staff.manager_needed" if role == "manager" else "signin.reviewer_needed")
    return authenticate(store, Credentials(credentials.name.strip(), credentials.password),
                        role=role)["name"]


def refuse_if_set_up(store: Store) -> None:
    """`init_branch` only runs on a branch without staff: say so before asking anything."""
    if staff_rows.count(store.conn):
        managers = [p["name"] for p in staff_rows.all_staff(store.conn)
                    if p["role"] == "manager" and p["active"]]
        raise UserError("signin.already_set_up", names="、".join(managers) or "-")


def init_branch(store: Store, name: str, password: str) -> None:
    """The branch's first staff member, as its manager; refused once there is any staff."""
    name = name.strip()
    if not name:
        raise UserError("staff.empty_name")
    _check_password_strength(password)
    with store.transaction() as conn:
        refuse_if_set_up(store)  # inside the write lock: two first managers cannot race
        staff_rows.insert(conn, name, "manager", hash_password(password))
        audit.append(conn, operator=name, action="staff.init", entity="staff", entity_id=name,
                     after={"role": "manager", "password_set": True})


def sign_in(store: Store, credentials: Credentials) -> dict:
    """Who is at the keyboard: the staff row if the name and password are right, with an
    audit row that says when they signed in."""
    person = authenticate(store, Credentials(credentials.name.strip(), credentials.password))
    with store.transaction() as conn:
        audit.append(conn, operator=person["name"], action="staff.sign_in", entity="staff",
                     entity_id=person["name"])
    return person


def sign_out(store: Store, name: str) -> None:
    """The person at the keyboard leaves (the app then asks who is next): an audit row."""
    with store.transaction() as conn:
        audit.append(conn, operator=name, action="staff.sign_out", entity="staff",
                     entity_id=name)


def check_operator(store: Store, name: str) -> None:
    """On a branch with staff, the operator named on the command line (or the OS login)
    must be an active staff member."""
    if not has_staff(store):
        return
    person = staff_rows.get(store.conn, name)
    if person is None or not person["active"]:
        names = "、".join(p["name"] for p in staff_rows.all_staff(store.conn) if p["active"])
        raise UserError("signin.not_staff", name=name, names=names or "-")


def add_staff(store: Store, manager: Credentials | None, name: str, role: str,
              password: str | None = None) -> None:
    """A new staff member; an active manager's password allows it (and is on the audit row)."""
    name = name.strip()
    if not name:
        raise UserError("staff.empty_name")
    if role not in ROLES:
        raise UserError("staff.bad_role", role=role, roles=", ".join(ROLES))
    if password is not None:
        _check_password_strength(password)
    operator = authorise(store, manager, "manager")
    with store.transaction() as conn:
        existing = staff_rows.get(conn, name)
        if existing:
            raise UserError("staff.exists" if existing["active"] else "staff.exists_inactive",
                            name=name)
        staff_rows.insert(conn, name, role, hash_password(password) if password else None)
        audit.append(conn, operator=operator, action="staff.add", entity="staff", entity_id=name,
                     after={"role": role, "password_set": password is not None})


def _keep_a_manager(conn, person: dict, losing: bool) -> None:
    """A branch never loses its last active manager (nobody could authorise anything)."""
    if losing and person["role"] == "manager" and person["active"] \
            and staff_rows.count_with_role(conn, "manager") <= 1:
        raise UserError("signin.last_manager", name=person["name"])


def set_role(store: Store, manager: Credentials | None, name: str, role: str) -> None:
    if role not in ROLES:
        raise UserError("staff.bad_role", role=role, roles=", ".join(ROLES))
    operator = authorise(store, manager, "manager")
    with store.transaction() as conn:
        person = staff_rows.get(conn, name)
        if person is None:
            raise UserError("staff.no_such", name=name)
        _keep_a_manager(conn, person, role != "manager")
        staff_rows.update(conn, name, role=role)
        audit.append(conn, operator=operator, action="staff.role", entity="staff", entity_id=name,
                     before={"role": person["role"]}, after={"role": role})


def set_password(store: Store, name: str, new_password: str, *,
                 old_password: str | None = None, manager: Credentials | None = None) -> None:
    """Set a password with the person's own current one, or a manager's (always needed
    when none is set yet: otherwise anyone could take over that name)."""
    person = staff_rows.get(store.conn, name)
    if person is None:
        raise UserError("staff.no_such", name=name)
    own = old_password is not None and password_matches(old_password, person["password_hash"])
    if own and person["active"]:
        operator = name
    elif manager is None and person["password_hash"]:
        raise UserError("staff.wrong_password", name=name)
    else:
        operator = authorise(store, manager, "manager")
    _check_password_strength(new_password)
    with store.transaction() as conn:
        staff_rows.update(conn, name, password_hash=hash_password(new_password))
        audit.append(conn, operator=operator, action="staff.password", entity="staff",
                     entity_id=name)


def deactivate(store: Store, manager: Credentials | None, name: str) -> None:
    operator = authorise(store, manager, "manager")
    with store.transaction() as conn:
        person = staff_rows.get(conn, name)
        if person is None:
            raise UserError("staff.no_such", name=name)
        _keep_a_manager(conn, person, True)
        staff_rows.update(conn, name, active=0)
        audit.append(conn, operator=operator, action="staff.deactivate", entity="staff",
                     entity_id=name)


def activate(store: Store, manager: Credentials | None, name: str) -> None:
    """Switch a deactivated staff member back on, with their role and password as they were."""
    operator = authorise(store, manager, "manager")
    with store.transaction() as conn:
        person = staff_rows.get(conn, name)
        if person is None:
            raise UserError("staff.no_such", name=name)
        if person["active"]:
            raise UserError("staff.already_active", name=name)
        staff_rows.update(conn, name, active=1)
        audit.append(conn, operator=operator, action="staff.activate", entity="staff",
                     entity_id=name)



def list_staff(store: Store) -> list[dict]:
    return [{k: v for k, v in row.items() if k != "password_hash"} | {
        "password_set": bool(row["password_hash"])} for row in staff_rows.all_staff(store.conn)]


def has_password(store: Store, name: str) -> bool:
    person = staff_rows.get(store.conn, name)
    return bool(person and person["password_hash"])


def is_active_staff(store: Store, name: str) -> bool:
    person = staff_rows.get(store.conn, name)
    return bool(person and person["active"])


def role_of(store: Store, name: str) -> str | None:
    person = staff_rows.get(store.conn, name)
    return person["role"] if person else None
