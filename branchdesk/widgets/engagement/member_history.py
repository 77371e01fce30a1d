"""Fill the member card's history tab: where the member stands, then the timeline."""

from __future__ import annotations

from typing import Any

from branchdesk.models import Member
from branchdesk.services import complaints, followups, reactivation, timeline
from branchdesk.widgets.engagement.log_contact import today_of
from branchdesk.widgets.engagement.timeline import MemberTimeline, summary_text


def show_member_history(screen: Any, view: MemberTimeline, member: Member, *, reveal: bool) -> None:
    app = screen.app
    store, days = app.store, app.settings.dormant_days
    today = today_of(app)
    assert member.id is not None
    state = reactivation.member_state(store, member.id, today, days)
    follow_up = followups.get_follow_up(store, member.id)
    open_complaints = complaints.list_complaints(store, today, member_id=member.id, open_only=True)
    summary = summary_text(state, follow_up, open_complaints, today, days)
    view.show(summary, timeline.member_timeline(store, member, reveal=reveal), reveal=reveal,
              dormant_days=days)
