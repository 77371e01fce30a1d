"""The fields that authorise an act with someone's password, for a FormDialog: the name
(the signed-in person by default, so a reviewer at the keyboard only types a password)
and the password. The service decides whether the role fits and the password is right;
the dialog shows what it says and stays open."""

from __future__ import annotations

from branchdesk.i18n import t
from branchdesk.services.staff import Credentials
from branchdesk.widgets.form_dialog import FormField, Values


def approver_fields(name: str, label_key: str = "signin.field_approver") -> list[FormField]:
    return [FormField("approver", t(label_key), value=name),
            FormField("approver_password", t("signin.field_password"), kind="password")]


def approver_from(values: Values) -> Credentials:
    return Credentials(values.get("approver", "").strip(), values.get("approver_password", ""))


def new_password_fields() -> list[FormField]:
    """A new password, typed twice (services.staff.confirm_password compares them)."""
    return [FormField("password", t("staff_screen.field_new_password"), kind="password"),
            FormField("repeat", t("signin.field_repeat"), kind="password")]
