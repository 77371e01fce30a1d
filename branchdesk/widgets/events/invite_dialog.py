"""Invite a segment: the roster's own filter bar picks the members, the dialog says how many
match, how many are already invited and how many the suitability gate leaves out; Ctrl+S
invites. A reason typed in the last field includes the unsuitable too (audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from branchdesk.enums import Experience, Need, RiskLevel
from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.member_query import MemberQuery
from branchdesk.services import registrations, roster
from branchdesk.services.event_model import Event
from branchdesk.store.database import Store
from branchdesk.widgets.errors import error_text
from branchdesk.widgets.filter_bar import FilterBar
from branchdesk.widgets.translated_bindings import translate_bindings


def filters_from_audience(audience: dict[str, list[str]]) -> dict[str, Any]:
    """The event's audience as a starting segment: a field with exactly one value becomes
    the filter (the roster's filters take one value each)."""
    out: dict[str, Any] = {}
    for name, field, enum in (("needs", "need", Need), ("experience", "experience", Experience),
                              ("risk_levels", "risk_level", RiskLevel),
                              ("communities", "community", None)):
        values = audience.get(name, [])
        if len(values) == 1:
            out[field] = enum(values[0]) if enum else values[0]
    return out


class InviteDialog(ModalScreen[registrations.Invitation | None]):
    CSS_PATH = "invite_dialog.tcss"
    HELP_SECTION = "invite_dialog.help"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "invite", "invite_dialog.key.invite"),
        Binding("escape", "cancel", "invite_dialog.key.cancel"),
    ]

    @dataclass
    class Previewed(Message):
        """A dry run finished (in a worker thread)."""

        query: MemberQuery
        result: registrations.Invitation | None
        error: str = ""

    def __init__(self, store: Store, operator: str, event: Event, settings: Any) -> None:
        super().__init__()
        translate_bindings(self)
        self.store, self.operator, self.event, self.settings = store, operator, event, settings
        self.preview: registrations.Invitation | None = None
        self.filters: dict[str, Any] = filters_from_audience(event.audience)

    def compose(self) -> ComposeResult:
        with Vertical(id="invite-box"):
            yield Label(t("invite_dialog.title", id=self.event.id, title=self.event.title),
                        id="invite-title", markup=False)
            yield Label(t("invite_dialog.filters"), classes="invite-label", id="invite-filters-label")
            yield FilterBar(id="invite-filters")
            yield Static(t("invite_dialog.counting"), id="invite-preview", markup=False)
            with Horizontal(id="invite-reason-row"):
                yield Label(t("invite_dialog.reason"), classes="invite-label",
                            id="invite-reason-label")
                yield Input(placeholder=t("invite_dialog.reason_placeholder"), compact=True,
                            id="invite-reason")
            yield Label(t("invite_dialog.hint"), id="invite-hint")

    def on_mount(self) -> None:
        options = roster.filter_options(self.store)
        bar = self.query_one(FilterBar)
        bar.set_choices(options.get("advisor", []), options.get("community", []))
        bar.set_values(self.filters)
        self.query_one("#filter-need").focus()
        self.refresh_preview()

    def relabel(self) -> None:
        """The language changed: labels in place, the filters and the reason kept."""
        self.query_one("#invite-title", Label).update(
            t("invite_dialog.title", id=self.event.id, title=self.event.title))
        self.query_one("#invite-filters-label", Label).update(t("invite_dialog.filters"))
        self.query_one("#invite-reason-label", Label).update(t("invite_dialog.reason"))
        self.query_one("#invite-reason", Input).placeholder = t("invite_dialog.reason_placeholder")
        self.query_one("#invite-hint", Label).update(t("invite_dialog.hint"))
        self.query_one(FilterBar).relabel()
        self.refresh_preview()

    def query_now(self) -> MemberQuery:
        return MemberQuery(dormant_days=self.settings.dormant_days, **{
            k: v for k, v in self.filters.items() if v not in (None, False)})

    @on(FilterBar.Changed)
    def _filters_changed(self, event: FilterBar.Changed) -> None:
        event.stop()
        self.filters = dict(event.values)
        self.refresh_preview()

    def refresh_preview(self) -> None:
        self.preview = None
        self.query_one("#invite-preview", Static).update(t("invite_dialog.counting"))
        self._dry_run(self.query_now())

    @work(thread=True, exclusive=True, group="invite-preview", exit_on_error=False)
    def _dry_run(self, query: MemberQuery) -> None:
        try:
            result = registrations.invite(self.store, self.operator, self.event.id, query,
                                          dry_run=True, now=datetime.now(self.settings.tz),
                                          today=datetime.now(self.settings.tz).date())
        except Exception as error:  # shown in the dialog; the worker must not end the app
            self.post_message(self.Previewed(query, None, error_text(error)))
            return
        self.post_message(self.Previewed(query, result))

    @on(Previewed)
    def _previewed(self, message: Previewed) -> None:
        if message.query != self.query_now():
            return  # an older segment's count: a newer one is on its way
        box = self.query_one("#invite-preview", Static)
        if message.result is None:
            box.update(message.error)
            return
        self.preview = result = message.result
        text = t("invite_dialog.preview", matched=f"{result.matched:,}",
                 already=f"{len(result.already):,}", invite=f"{len(result.invited):,}")
        if result.unsuitable and self.event.product_risk:
            text += "\n" + t("invite_dialog.unsuitable", count=f"{len(result.unsuitable):,}",
                             product=self.event.product_risk.value)
        box.update(text)

    def action_invite(self) -> None:
        reason = self.query_one("#invite-reason", Input).value.strip() or None
        try:
            result = registrations.invite(self.store, self.operator, self.event.id,
                                          self.query_now(), include_unsuitable=reason,
                                          now=datetime.now(self.settings.tz),
                                          today=datetime.now(self.settings.tz).date())
        except UserError as error:
            self.query_one("#invite-preview", Static).update(error.message)
            return
        self.dismiss(result)

    @on(Input.Submitted, "#invite-reason")
    def _enter(self) -> None:
        self.action_invite()

    def action_cancel(self) -> None:
        self.dismiss(None)
