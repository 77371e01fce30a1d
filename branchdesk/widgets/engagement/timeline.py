"""The member card's history: where the member stands (last heard from, dormant, follow-up, open
complaints), then one timeline of activities, complaints, messages that named them, the imports
that created or changed them and the audited edits — newest first.

Phone numbers inside old values stay masked unless the card revealed the phone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from branchdesk import datetimes
from branchdesk.i18n import t
from branchdesk.services.complaints import Complaint
from branchdesk.services.followups import FollowUp
from branchdesk.services.reactivation import MemberState
from branchdesk.services.timeline import TimelineEntry, audit_fields
from branchdesk.widgets.member_card_history import describe


def summary_text(state: MemberState | None, follow_up: FollowUp | None,
                 open_complaints: list[Complaint], today: date, dormant_days: int) -> Text:
    text = Text()
    if state is not None and state.heard_on is not None:
        key = "engagement_screens.summary_joined" if state.joined_only else "engagement_screens.summary_heard"
        text.append(t(key, day=state.heard_on.isoformat(), days=state.days))
        if state.dormant:
            text.append("  " + t("engagement_screens.summary_dormant", days=dormant_days), "bold yellow")
    if follow_up is not None:
        style = "bold red" if follow_up.due_on < today else ""
        text.append("\n" + t("engagement_screens.summary_follow_up", day=follow_up.due_on.isoformat(),
                             reason=follow_up.reason or "—"), style)
    if open_complaints:
        late = sum(1 for c in open_complaints if c.overdue)
        text.append("\n" + t("engagement_screens.summary_complaints", count=len(open_complaints),
                             late=late), "bold red" if late else "")
    return text


def _when(entry: TimelineEntry) -> str:
    return entry.at.astimezone(datetimes.branch_zone()).strftime("%Y-%m-%d %H:%M")


def entry_text(entry: TimelineEntry, *, reveal: bool, dormant_days: int) -> Text:
    """One entry as a short paragraph: when, what, and its details."""
    data: Any = entry.data
    if entry.what == "audit" and not data["action"].startswith("follow_up."):
        return describe(data, reveal=reveal)
    text = Text()
    text.append(_when(entry), "dim")
    text.append("  ")
    if entry.what == "audit":  # a follow-up set, moved or cleared
        before, after = audit_fields(data)
        if data["action"] == "follow_up.clear":
            text.append(t("engagement_screens.tl_follow_up_cleared", operator=data["operator"],
                          day=before.get("due_on", "—")), "bold")
        else:
            text.append(t("engagement_screens.tl_follow_up_set", operator=data["operator"],
                          day=after.get("due_on", "—"), reason=after.get("reason") or "—"), "bold")
    elif entry.what == "activity":
        a = data["activity"]
        text.append(t("engagement_screens.tl_activity", kind=a.kind.label(), staff=a.staff,
                      channel=a.channel.label()), "bold")
        if a.reactivated(dormant_days):
            text.append("  " + t("engagement_screens.tl_woke", days=a.gap_days), "bold green")
        if a.note:
            text.append("\n  " + a.note)
    elif entry.what.startswith("complaint_"):
        c: Complaint = data["complaint"]
        key = f"engagement_screens.tl_{entry.what}"
        text.append(t(key, id=c.id, category=c.category.label(), channel=c.channel.label(),
                      owner=c.owner or "—"), "bold red" if entry.alert else "bold")
        if entry.what == "complaint_opened":
            text.append("\n  " + c.summary)
            if entry.alert:
                text.append("  " + t("engagement_screens.overdue"), "bold red")
        elif entry.what == "complaint_answered" and c.response:
            text.append("\n  " + c.response)
        elif entry.what == "complaint_resolved" and c.resolution:
            text.append("\n  " + c.resolution)
    elif entry.what == "message":
        text.append(t("engagement_screens.tl_message", id=data["id"], author=data["author"],
                      community=data["community"] or "—", status=data["status"]), "bold")
        text.append("\n  " + " ".join(str(data["text"]).split())[:120])
    elif entry.what.startswith("import_"):
        key = f"engagement_screens.tl_{entry.what}"
        text.append(t(key, file=data["file_name"], batch=data["batch_id"], operator=data["operator"]),
                    "bold")
        if data["undone_at"]:
            text.append("  " + t("engagement_screens.tl_undone",
                                 at=datetimes.local_text(data["undone_at"])), "dim")
    return text


class MemberTimeline(VerticalScroll):
    """A scrollable history; focus it and use the arrow keys or page up / down."""

    def show(self, summary: Text, entries: list[TimelineEntry], *, reveal: bool,
             dormant_days: int) -> None:
        self.remove_children()
        widgets: list[Static] = []
        if summary.plain:
            widgets.append(Static(summary, classes="timeline-summary"))
        if not entries:
            widgets.append(Static(t("member_card.no_history"), classes="history-empty", markup=False))
        widgets.extend(Static(entry_text(e, reveal=reveal, dormant_days=dormant_days),
                              classes="history-entry") for e in entries)
        self.mount_all(widgets)
