"""Erase a member's personal data from the member card, as `branchdesk erase-member` does:
the reason (the request and how it was verified), then a reviewer's or manager's name and
password on the shared approval fields. The service decides; a wrong password, a role that
may not approve or a missing reason keeps the dialog open with what it says."""

from __future__ import annotations

from typing import Any

from branchdesk.i18n import t
from branchdesk.services import erasure
from branchdesk.widgets.form_dialog import FormDialog, FormField, Values
from branchdesk.widgets.signin.approval import approver_fields, approver_from


def erase_dialog(screen: Any, member_id: int, name: str) -> FormDialog:
    """The dialog; it dismisses with True once the member is erased."""
    app = screen.app

    def submit(values: Values) -> None:
        done = erasure.erase_member(app.store, app.settings.operator, member_id,
                                    approver_from(values), values["reason"])
        screen.notify(t("erasure_app.done", member=done.member_id, rows=done.audit_rows,
                        notes=done.notes), markup=False, timeout=10)

    return FormDialog(
        t("erasure_app.title", member=member_id, name=name),
        [FormField("reason", t("erasure_app.field_reason"),
                   placeholder=t("erasure_app.field_reason_hint")),
         *approver_fields(app.settings.operator)],
        submit, note=t("erasure_app.note"), ok_label=t("erasure_app.ok"))
