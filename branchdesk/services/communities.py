"""Communities (社群): the groups the branch runs, with who is in them, how many of them are
conservative investors (C1–C2, what the suitability check counts), the advisor who runs each
and the messages written for each; created, renamed and merged on purpose, each change one
audited transaction that updates the members' lists with it."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from branchdesk.errors import UserError, quoted
from branchdesk.models import Member
from branchdesk.services import roster
from branchdesk.store import audit
from branchdesk.store import communities as community_rows
from branchdesk.store.database import Store

NAME_MAX = 40  # a WeChat group name is at most 30 characters; room for a note
LOW_RISK = ("C1", "C2")  # conservative and cautious: most products are unsuitable for them


@dataclass
class Community:
    name: str
    id: int | None = None  # None: a name in members' lists the registry does not hold yet
    advisor: str | None = None
    advisor_from_members: bool = False  # not set for it: the advisor of most of its members
    created_at: str | None = None
    members: int = 0
    risk: dict[str, int] = field(default_factory=dict)  # C1…C5, '' for unknown
    messages: dict[str, int] = field(default_factory=dict)  # status → count
    former_names: list[str] = field(default_factory=list)

    @property
    def low_risk(self) -> int:
        """Members at C1–C2: those the suitability check protects from riskier products."""
        return sum(self.risk.get(level, 0) for level in LOW_RISK)

    @property
    def chosen_advisor(self) -> str | None:
        """The advisor someone set to run it (None when only derived from its members)."""
        return None if self.advisor_from_members else self.advisor

    @property
    def sent(self) -> int:
        return self.messages.get("sent", 0)

    @property
    def waiting(self) -> int:
        return self.messages.get("submitted", 0)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "id": self.id, "advisor": self.advisor,
                "advisor_from_members": self.advisor_from_members, "created_at": self.created_at,
                "members": self.members, "low_risk": self.low_risk,
                "risk": {level: self.risk.get(level, 0) for level in (*community_rows.RISK_LEVELS, "")},
                "messages": dict(sorted(self.messages.items())), "former_names": self.former_names}


def name_key(name: str) -> str:
    """What two names that mean the same group share: full-width letters, case and spaces
    do not tell communities apart (解套互助群 and 解套 互助群 are one group)."""
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


def clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise UserError("communities.empty_name")
    if len(name) > NAME_MAX:
        raise UserError("communities.name_too_long", name=quoted(name), length=len(name),
                        most=NAME_MAX)
    return name


# --- reading -------------------------------------------------------------------------------

def list_communities(store: Store) -> list[Community]:
    """Every community: those registered and any other name in members' lists; the ones with
    the most members first."""
    conn = store.conn
    stats = community_rows.member_stats(conn)
    messages = community_rows.message_counts(conn)
    names = community_rows.aliases(conn)
    found: dict[int | str, Community] = {}
    for row in community_rows.registered(conn):
        found[row["id"]] = Community(row["name"], row["id"], row["advisor"],
                                     created_at=row["created_at"])
    for name, community_id in names.items():
        if community_id in found and name != found[community_id].name:
            found[community_id].former_names.append(name)
    for name in stats.keys() | messages.keys():
        key = names.get(name, name)
        if key not in found:  # only in members' lists (or messages): not registered yet
            found[key] = Community(name)
        community = found[key]
        if name in stats:
            community.members += stats[name]["members"]
            for level, count in stats[name]["risk"].items():
                community.risk[level] = community.risk.get(level, 0) + count
        for status, count in messages.get(name, {}).items():
            community.messages[status] = community.messages.get(status, 0) + count
    for community in found.values():
        if community.advisor is None and community.name in stats:
            community.advisor = stats[community.name]["main_advisor"]
            community.advisor_from_members = community.advisor is not None
        community.former_names.sort()
    return sorted(found.values(), key=lambda c: (-c.members, c.name))


def known_names(store: Store) -> list[str]:
    """The names to pick from (the member card): registered and in members' lists."""
    return sorted({c.name for c in list_communities(store)})


def find(store: Store, name: str) -> Community:
    """The community called `name` now (or once: a former name finds it too)."""
    return _find_in(list_communities(store), name)


def _find_in(communities: list[Community], name: str) -> Community:
    wanted = name.strip()
    for community in communities:
        if community.name == wanted or wanted in community.former_names:
            return community
    similar = _similar(communities, wanted)
    if similar is not None:
        raise UserError("communities.no_such_similar", name=wanted, similar=similar.name)
    raise UserError("communities.no_such", name=wanted)


def _similar(communities: list[Community], name: str) -> Community | None:
    key = name_key(name)
    return next((c for c in communities if name_key(c.name) == key), None)


def recent_messages(store: Store, community: Community, limit: int = 5) -> list[dict[str, Any]]:
    return community_rows.recent_messages(store.conn, [community.name, *community.former_names],
                                          limit)


# --- changing ------------------------------------------------------------------------------

def _registered_id(conn, community: Community) -> int:
    """The registry id of a community, registering a name from members' lists first (nobody
    set to run it yet). The action that needed it records it in its own audit row."""
    if community.id is not None:
        return community.id
    return community_rows.insert(conn, community.name, None)


def _check_free(communities: list[Community], name: str, *, other_than: Community | None = None,
                merge_hint: str = "") -> None:
    for community in communities:
        if community is other_than:
            continue
        if community.name == name or name in community.former_names:
            raise UserError("communities.exists", name=name, old=merge_hint or name)
        if name_key(community.name) == name_key(name):
            raise UserError("communities.similar_exists", name=name, existing=community.name)


def create(store: Store, operator: str, name: str, advisor: str | None = None) -> Community:
    """A new community, on purpose (one with a name like an existing one is refused)."""
    name = clean_name(name)
    advisor = (advisor or "").strip() or None
    with store.transaction() as conn:
        _check_free(list_communities(store), name)
        community_id = community_rows.insert(conn, name, advisor)
        audit.append(conn, operator=operator, action="community.create", entity="community",
                     entity_id=community_id, after={"name": name, "advisor": advisor})
    return find(store, name)


def rename(store: Store, operator: str, old: str, new: str) -> Community:
    """Rename a community: its row and every member's list, in one transaction. The old name
    stays known, so messages written for it still count for the community."""
    new = clean_name(new)
    with store.transaction() as conn:
        communities = list_communities(store)
        community = _find_in(communities, old)
        if new == community.name:
            raise UserError("communities.same_name", name=new)
        _check_free(communities, new, other_than=community, merge_hint=community.name)
        community_id = _registered_id(conn, community)
        changed = _replace_in_lists(conn, community.name, new)
        community_rows.rename(conn, community_id, new)
        audit.append(conn, operator=operator, action="community.rename", entity="community",
                     entity_id=community_id,
                     before={"name": community.name, "registered": community.id is not None},
                     after={"name": new, "members": changed})
    return find(store, new)


def merge(store: Store, operator: str, source: str, target: str) -> Community:
    """Put the members of `source` into `target` and let `source` go: each member's list
    names `target` once, in the place `source` had; `source`'s names find `target` from now
    on. The target keeps its advisor (or takes the source's, if it had none)."""
    with store.transaction() as conn:
        communities = list_communities(store)
        origin, into = _find_in(communities, source), _find_in(communities, target)
        if origin.name == into.name:
            raise UserError("communities.same", name=origin.name)
        into_id = _registered_id(conn, into)
        changed = _replace_in_lists(conn, origin.name, into.name)
        if origin.id is None:  # only a name in members' lists: it becomes one of the target's
            community_rows.add_alias(conn, origin.name, into_id)
        else:
            community_rows.merge_into(conn, origin.id, into_id)
        registered = community_rows.get(conn, into_id)
        if registered and registered["advisor"] is None and origin.chosen_advisor:
            community_rows.set_advisor(conn, into_id, origin.chosen_advisor)
        audit.append(conn, operator=operator, action="community.merge", entity="community",
                     entity_id=into_id,
                     before={"from": origin.name, "from_id": origin.id, "into": into.name,
                             "from_members": origin.members, "into_members": into.members,
                             "from_advisor": origin.chosen_advisor,
                             "into_advisor": into.chosen_advisor},
                     after={"into": into.name, "members": changed})
    return find(store, into.name)


def set_advisor(store: Store, operator: str, name: str, advisor: str | None) -> Community:
    advisor = (advisor or "").strip() or None
    with store.transaction() as conn:
        community = find(store, name)
        community_id = _registered_id(conn, community)
        community_rows.set_advisor(conn, community_id, advisor)
        audit.append(conn, operator=operator, action="community.advisor", entity="community",
                     entity_id=community_id,
                     before={"name": community.name, "advisor": community.chosen_advisor,
                             "registered": community.id is not None},
                     after={"advisor": advisor})
    return find(store, community.name)


def _replace_in_lists(conn, old: str, new: str) -> list[int]:
    """In every list that names `old`, `new` in its place (once); the ids of those members."""
    lists = []
    for member_id, names in community_rows.member_lists(conn, old):
        replaced = list(dict.fromkeys(new if name == old else name for name in names))
        lists.append((member_id, replaced))
    community_rows.set_member_lists(conn, lists)
    return [member_id for member_id, _ in lists]


def update_member(store: Store, operator: str, member_id: int, changes: dict[str, Any],
                  expected_version: int | None = None) -> Member:
    """A member card's save: `roster.update_member`, and a community the member now joins that
    nobody had before (picked as new, on purpose) is registered in the same transaction."""
    wanted = changes.get("communities")
    with store.transaction() as conn:
        if wanted:
            communities = list_communities(store)
            known = {c.name for c in communities} | {n for c in communities for n in c.former_names}
            for name in dict.fromkeys(clean_name(n) for n in wanted):
                if name in known:
                    continue
                _check_free(communities, name)
                community_id = community_rows.insert(conn, name, None)
                audit.append(conn, operator=operator, action="community.create",
                             entity="community", entity_id=community_id,
                             after={"name": name, "advisor": None, "member": member_id})
        return roster.update_member(store, operator, member_id, changes,
                                    expected_version=expected_version)

