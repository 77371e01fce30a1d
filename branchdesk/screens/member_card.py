"""One member's card: see and edit the fields, needs and tags; reveal the phone (audited);
read the history. Dismisses with True when something was saved, so the roster refreshes."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane

from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.member_fields import SENSITIVE_FIELDS
from branchdesk.models import Member
from branchdesk.screens.base import AppContext
from branchdesk.services import communities, roster
from branchdesk.services.tiers import tier_rule
from branchdesk.widgets.app_header import AppHeader
from branchdesk.widgets.communities.field import CommunitiesField
from branchdesk.widgets.communities.picker import CommunityPicker
from branchdesk.widgets.engagement.timeline import MemberTimeline
from branchdesk.widgets.member_card_form import MemberCardForm, parse_value
from branchdesk.widgets.member_card_unsaved import DISCARD, SAVE, UnsavedChangesScreen
from branchdesk.widgets.tag_picker import TagPicker
from branchdesk.widgets.translated_bindings import translate_bindings

TABS = ("tab-details", "tab-needs", "tab-history")


class MemberCardScreen(AppContext, Screen[bool]):
    CSS_PATH = "member_card.tcss"
    HELP_SECTION = "member_card.help.screen"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "member_card.key.save"),
        Binding("ctrl+r", "reveal", "member_card.key.reveal"),
        Binding("ctrl+t", "next_tab", "member_card.key.next_tab"),
        Binding("ctrl+l", "log_contact", "engagement_screens.key.log_contact"),
        Binding("ctrl+o", "follow_up", "engagement_screens.key.follow_up", show=False),
        Binding("ctrl+g", "new_complaint", "engagement_screens.key.new_complaint", show=False),
        Binding("ctrl+y", "erase_member", "erasure_app.key", show=False),  # rare: help, palette
        Binding("escape", "close", "member_card.key.close"),
    ]

    def __init__(self, member_id: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.member_id = member_id
        self.member: Member | None = None
        self.saved = False  # anything saved while open: the roster should refresh
        self._baseline: dict[str, Any] = {}
        self._revealed = False

    # The app shell provides these (BranchDeskApp.store / .settings).
    def compose(self) -> ComposeResult:
        try:
            self.member = roster.get_member(self.store, self.member_id,
                                            self.app.settings.tier_thresholds)  # type: ignore[attr-defined]
            known_tags = roster.filter_options(self.store)["tag"]
        except UserError as error:
            self.notify(error.message, severity="error", markup=False)
            return  # on_mount closes the card
        member = self.member
        yield AppHeader("member_card.title")
        yield Static(self._title(member), id="card-title", markup=False)
        with TabbedContent(id="card-tabs", initial="tab-details"):
            with TabPane(t("member_card.tab_details"), id="tab-details"):
                yield MemberCardForm(member, id="card-form")
            with TabPane(t("member_card.tab_needs"), id="tab-needs"):
                yield TagPicker(member.needs, member.tags, known_tags, id="card-tags")
                yield Static("", id="tags-error", classes="field-error", markup=False)
            with TabPane(t("member_card.tab_history"), id="tab-history"):
                yield MemberTimeline(id="card-history")
        yield Footer()

    def on_mount(self) -> None:
        if self.member is None:
            self.dismiss(True)  # the roster shows a member that is gone: refresh it
            return
        self.query_one("#tags-error").display = False
        self._baseline = self._values()
        self._show_tier()
        self._show_history()
        self.query_one("#field-name").focus()

    # --- what is on screen ----------------------------------------------------------------------

    def _title(self, member: Member) -> str:
        phone = (member.phone or "") if self._revealed else member.masked_phone
        account = (member.account_no or "") if self._revealed else member.masked_account
        parts = [member.name, phone, account,
                 member.value_tier.label() if member.value_tier else ""]
        return "  ".join(p for p in parts if p)

    @property
    def form(self) -> MemberCardForm:
        return self.query_one(MemberCardForm)

    @property
    def picker(self) -> TagPicker:
        return self.query_one(TagPicker)

    def _values(self) -> dict[str, Any]:
        return {**self.form.values(), "needs": self.picker.needs, "tags": self.picker.tags}

    def changes(self) -> dict[str, Any]:
        """Fields whose value differs from what was loaded or last saved."""
        return {k: v for k, v in self._values().items() if v != self._baseline.get(k)}

    def _show_tier(self) -> None:
        """The tier rule the saved total puts the member under."""
        if self.member is None:
            return
        thresholds = self.app.settings.tier_thresholds  # type: ignore[attr-defined]
        rule = tier_rule(self.member.total_assets, thresholds)
        if rule.tier is None:
            text = t("tiers.unknown")
        else:
            amounts = {"at": f"{rule.reached or 0:,.0f}", "next_at": f"{rule.next_at or 0:,.0f}",
                       "tier": rule.tier.label(),
                       "next": rule.next_tier.label() if rule.next_tier else ""}
            key = ("tiers.top" if rule.next_tier is None else
                   "tiers.below" if rule.reached is None else "tiers.reached")
            text = t(key, **amounts)
        self.form.show_tier(text)

    @on(CommunitiesField.PickRequested)
    def _pick_communities(self, event: CommunitiesField.PickRequested) -> None:
        field = event.field
        try:
            known = communities.known_names(self.store)
        except UserError as error:
            self.notify(error.message, severity="error", markup=False)
            return

        def picked(names: list[str] | None) -> None:
            if names is not None:
                field.names = names
            field.focus()

        name = self.member.name if self.member else ""
        self.app.push_screen(CommunityPicker(name, field.names, known, _same_community), picked)

    def _show_history(self) -> None:
        from branchdesk.widgets.engagement.member_history import show_member_history

        if self.member is not None:
            show_member_history(self, self.query_one(MemberTimeline), self.member,
                                reveal=self._revealed)

    # --- engagement: contacts, follow-ups, complaints ------------------------------------------

    def _engaged(self, *_: object) -> None:
        self.saved = True  # the roster's last-active dates and markers may have changed
        self._show_history()

    def action_log_contact(self) -> None:
        from branchdesk.widgets.engagement.log_contact import open_log_contact

        open_log_contact(self, self.member_id, self._engaged)

    def action_follow_up(self) -> None:
        from branchdesk.widgets.engagement.dialogs import follow_up_dialog

        self.app.push_screen(follow_up_dialog(self, self.member_id),
                             lambda done: self._engaged() if done else None)

    def action_new_complaint(self) -> None:
        from branchdesk.widgets.engagement.dialogs import new_complaint_dialog

        self.app.push_screen(new_complaint_dialog(self, self.member_id, self._engaged))

    def action_erase_member(self) -> None:
        """Erase the member's personal data (a verified request), with an approver's password."""
        from branchdesk.services import staff
        from branchdesk.widgets.erasure.dialog import erase_dialog

        if self.member is None:
            return
        if not staff.has_staff(self.store):
            self.notify(t("erasure_app.no_staff"), severity="warning", markup=False)
            return
        self.app.push_screen(erase_dialog(self, self.member_id, self.member.name),
                             lambda done: self.dismiss(True) if done else None)

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [
            (t("engagement_screens.cmd.log_contact"), t("engagement_screens.cmd.log_contact_help"),
             self.action_log_contact),
            (t("engagement_screens.cmd.follow_up"), t("engagement_screens.cmd.follow_up_help"),
             self.action_follow_up),
            (t("engagement_screens.cmd.new_complaint"), t("engagement_screens.cmd.new_complaint_help"),
             self.action_new_complaint),
            (t("audit_screen.cmd.member"), t("audit_screen.cmd.member_help"), self.open_audit_trail),
        ]

    def open_audit_trail(self) -> None:
        from branchdesk.screens.audit_trail import AuditTrailScreen

        self.app.push_screen(AuditTrailScreen(f"member {self.member_id}"))

    # --- actions ----------------------------------------------------------------------------------

    def action_save(self) -> bool:
        """Save the changed fields in one audited transaction; True when nothing is left unsaved."""
        changes = self.changes()
        if not changes:
            self.notify(t("member_card.nothing_to_save"), markup=False)
            return True
        try:
            # A community picked as new is created with the save, in the same transaction.
            member = communities.update_member(
                self.store, self.operator, self.member_id, changes,
                expected_version=self.member.version if self.member else None)
        except roster.FieldErrors as error:
            self._show_errors(error.fields)
            return False
        except UserError as error:
            self.notify(error.message, severity="error", markup=False)
            return False
        self.member, self.saved = member, True
        self.form.clear_errors()
        self.query_one("#tags-error").display = False
        self.form.load(member)
        self._baseline = self._values()
        self.query_one("#card-title", Static).update(self._title(member))
        self._show_tier()
        self._show_history()
        self.notify(t("member_card.saved", name=member.name), markup=False)
        return True

    def _show_errors(self, fields: dict[str, str]) -> None:
        elsewhere = self.form.show_errors(fields)
        tabs = self.query_one(TabbedContent)
        if elsewhere:
            error = self.query_one("#tags-error", Static)
            error.update("\n".join(f"{name}: {fields[name]}" for name in elsewhere))
            error.display = True
        if len(elsewhere) < len(fields):
            tabs.active = "tab-details"
        else:
            tabs.active = "tab-needs"
        self.notify(t("member_card.fix_fields", count=len(fields)), severity="error", markup=False)

    def action_reveal(self) -> None:
        if self._revealed or self.member is None:
            return
        values: dict[str, str] = {}
        if any(getattr(self.member, name) for name in SENSITIVE_FIELDS):
            try:
                values = roster.reveal(self.store, self.operator, self.member_id)
            except UserError as error:
                self.notify(error.message, severity="error", markup=False)
                return
        self._revealed = True
        self.form.reveal(values)
        for name in SENSITIVE_FIELDS:
            self._baseline[name] = parse_value(name, values.get(name, ""))
        self.query_one("#card-title", Static).update(self._title(self.member))
        self._show_history()
        self.query_one(TabbedContent).active = "tab-details"
        self.query_one("#field-phone").focus()

    def relabel(self) -> None:
        """The language changed (the app calls this): relabel in place, keeping the edits."""
        if self.member is None:
            return
        self.query_one(AppHeader).refresh()
        self.query_one("#card-title", Static).update(self._title(self.member))
        tabs = self.query_one(TabbedContent)
        for pane in TABS:
            tabs.get_tab(pane).label = t(f"member_card.{pane.replace('-', '_')}")
        self.form.relabel()
        self._show_tier()
        self.picker.relabel()
        self._show_history()

    def action_next_tab(self) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = TABS[(TABS.index(tabs.active) + 1) % len(TABS)]
        self._focus_tab(tabs.active)

    @on(TabbedContent.TabActivated)
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        # Tab switched with the mouse or the tab bar: the history may be stale.
        if event.pane.id == "tab-history":
            self._show_history()

    def _focus_tab(self, tab: str) -> None:
        target = {"tab-details": "#field-name", "tab-needs": "#tag-choices",
                  "tab-history": "#card-history"}[tab]
        self.query_one(target).focus()

    def has_unsaved_changes(self) -> bool:
        return self.member is not None and bool(self.changes())

    def unsaved_work_title(self) -> str:
        return f"{t('member_card.title')} {self.member.name if self.member else ''}".strip()

    def action_close(self) -> None:
        if not self.has_unsaved_changes():
            self.dismiss(self.saved)
            return

        def decided(choice: str | None) -> None:
            if choice == SAVE and self.action_save():
                self.dismiss(True)
            elif choice == DISCARD:
                self.dismiss(self.saved)

        self.app.push_screen(UnsavedChangesScreen(), decided)


def _same_community(a: str, b: str) -> bool:
    return communities.name_key(a) == communities.name_key(b)
