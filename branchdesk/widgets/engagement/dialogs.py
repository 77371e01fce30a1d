"""The small forms of engagement, on the shared FormDialog: set or move a follow-up, log a new
complaint, assign, answer and resolve one. Each form calls the service; a UserError keeps the
dialog open with the message, so one field can be corrected."""

from __future__ import annotations

from typing import Any

from branchdesk import datetimes, engagement_config
from branchdesk.engagement_enums import ComplaintCategory, ComplaintChannel
from branchdesk.i18n import t
from branchdesk.services import complaints, followups, roster
from branchdesk.services.complaints import calendar_notice
from branchdesk.services.member_lookup import resolve
from branchdesk.widgets.form_dialog import FormDialog, FormField, Values


def follow_up_dialog(screen: Any, member_id: int) -> FormDialog:
    """Set or move a member's follow-up: a date as people type it, and a reason."""
    app = screen.app
    member = roster.get_member(app.store, member_id)
    current = followups.get_follow_up(app.store, member_id)
    today = getattr(app, "today", None) or datetimes.today()

    def submit(values: Values) -> None:
        day = datetimes.parse_date(values["on"], today=today, prefer="future")
        followups.set_follow_up(app.store, app.settings.operator, member_id, day, values["reason"],
                                today=today)
        screen.notify(t("engagement_screens.follow_up_set", name=member.name, day=day.isoformat()),
                      markup=False)

    return FormDialog(
        t("engagement_screens.follow_up_title", name=member.name),
        [FormField("on", t("engagement_screens.field.follow_on"),
                   value=current.due_on.isoformat() if current else "",
                   placeholder=t("engagement_screens.field.follow_on_hint")),
         FormField("reason", t("engagement_screens.field.follow_reason"),
                   value=current.reason if current else "",
                   placeholder=t("engagement_screens.field.follow_reason_hint"))],
        submit, note=t("engagement_screens.follow_up_note"))


def new_complaint_dialog(screen: Any, member_id: int | None = None,
                         done: Any = None) -> FormDialog:
    """Log a complaint; the deadlines are counted when it is saved."""
    app = screen.app
    member_value = ""
    if member_id is not None:
        member_value = f"#{member_id}"  # never the account number in clear

    def submit(values: Values) -> None:
        config = engagement_config.from_settings(app.settings)
        who = resolve(app.store.conn, values["member"])
        opened = datetimes.parse_datetime(values["opened"], prefer="past") if values["opened"].strip() \
            else None
        complaint = complaints.open_complaint(
            app.store, app.settings.operator, config, member_id=who, channel=values["channel"],
            category=values["category"], summary=values["summary"], opened_at=opened,
            owner=values["owner"].strip() or None)
        text = t("engagement_screens.complaint_opened", id=complaint.id,
                 first=complaint.first_response_due.isoformat(),
                 last=complaint.resolution_due.isoformat())
        if complaint.assumed_years:
            text += " " + calendar_notice(complaint.assumed_years)
        screen.notify(text, markup=False, timeout=10,
                      severity="warning" if complaint.assumed_years else "information")
        if done is not None:
            done(complaint)

    return FormDialog(
        t("engagement_screens.new_complaint_title"),
        [FormField("member", t("engagement_screens.field.member"), value=member_value,
                   placeholder=t("engagement_screens.field.member_hint")),
         FormField("channel", t("engagement_screens.field.channel"), kind="select",
                   value=ComplaintChannel.PHONE.value,
                   options=[(c.label(), c.value) for c in ComplaintChannel]),
         FormField("category", t("engagement_screens.field.category"), kind="select",
                   value=ComplaintCategory.SERVICE.value,
                   options=[(c.label(), c.value) for c in ComplaintCategory]),
         FormField("summary", t("engagement_screens.field.summary"),
                   placeholder=t("engagement_screens.field.summary_hint")),
         FormField("opened", t("engagement_screens.field.opened"),
                   placeholder=t("engagement_screens.field.opened_hint")),
         FormField("owner", t("engagement_screens.field.owner"),
                   placeholder=app.settings.operator)],
        submit, note=t("engagement_screens.new_complaint_note"))


def assign_dialog(screen: Any, complaint_id: int) -> FormDialog:
    app = screen.app
    current = complaints.get_complaint(app.store, complaint_id)
    owners = complaints.known_owners(app.store)

    def submit(values: Values) -> None:
        complaints.assign(app.store, app.settings.operator, complaint_id, values["owner"])

    if owners:
        field = FormField("owner", t("engagement_screens.field.owner"), kind="select",
                          value=current.owner if current.owner in owners else owners[0],
                          options=[(name, name) for name in owners])
    else:
        field = FormField("owner", t("engagement_screens.field.owner"), value=current.owner or "")
    return FormDialog(t("engagement_screens.assign_title", id=complaint_id), [field], submit)


def respond_dialog(screen: Any, complaint_id: int) -> FormDialog:
    app = screen.app

    def submit(values: Values) -> None:
        at = datetimes.parse_datetime(values["at"], prefer="past") if values["at"].strip() else None
        complaints.respond(app.store, app.settings.operator, complaint_id, values["note"], at)

    return FormDialog(
        t("engagement_screens.respond_title", id=complaint_id),
        [FormField("note", t("engagement_screens.field.response"),
                   placeholder=t("engagement_screens.field.response_hint")),
         FormField("at", t("engagement_screens.field.when"),
                   placeholder=t("engagement_screens.field.opened_hint"))],
        submit)


def resolve_dialog(screen: Any, complaint_id: int) -> FormDialog:
    app = screen.app

    def submit(values: Values) -> None:
        at = datetimes.parse_datetime(values["at"], prefer="past") if values["at"].strip() else None
        complaints.resolve(app.store, app.settings.operator, complaint_id, values["resolution"], at)

    return FormDialog(
        t("engagement_screens.resolve_title", id=complaint_id),
        [FormField("resolution", t("engagement_screens.field.resolution"),
                   placeholder=t("engagement_screens.field.resolution_hint")),
         FormField("at", t("engagement_screens.field.when"),
                   placeholder=t("engagement_screens.field.opened_hint"))],
        submit)
