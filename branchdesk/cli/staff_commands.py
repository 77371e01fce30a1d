"""Staff commands: set up a branch (`staff init`), add staff, change roles and passwords.

Passwords are typed at a hidden prompt; a new one twice. With ``--password-stdin`` each
prompt reads one line of standard input instead, in the order the prompts would come: the
manager's (or your current) password first, then the new password twice. Approvals and rule
changes read their one password the same way.
"""

from __future__ import annotations

import argparse
from typing import Any

from branchdesk.cli.common import ask_password, manager_credentials, open_db
from branchdesk.cli.members_command import catalog_choice
from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.settings import Settings

ROLES = ("staff", "reviewer", "manager")  # 员工, 合规审核, 负责人 are taken too


def ask_new_password(args: argparse.Namespace, name: str) -> str:
    """A new password, typed twice; a mismatch is one clear message."""
    from branchdesk.services.staff import confirm_password

    first = ask_password(args, t("cli.new_password_for", name=name))
    return confirm_password(first, ask_password(args, t("signin.repeat_password_for", name=name)))


def _authorised_manager(store, args: argparse.Namespace):
    """The manager's credentials, checked before anything else is asked."""
    from branchdesk.services import staff

    if not staff.has_staff(store):
        raise UserError("signin.not_set_up")
    if not args.manager:
        raise UserError("staff.manager_needed")
    manager = manager_credentials(args)
    staff.authorise(store, manager, "manager")
    return manager


def cmd_staff_init(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import staff

    store = open_db(settings, create=True, check_operator=False)
    staff.refuse_if_set_up(store)  # before a password is typed for nothing
    staff.init_branch(store, args.name, ask_new_password(args, args.name))
    print(t("signin.cli_initialised", name=args.name.strip()))
    return 0


def cmd_staff_list(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from branchdesk.services import staff

    people = staff.list_staff(open_db(settings, read_only=True))
    if args.json:
        print(json.dumps(people, ensure_ascii=False))
        return 0
    if not people:
        print(t("cli.no_staff"))
    for p in people:
        print(t("cli.staff_line", name=p["name"], role=t(f"staff.role.{p['role']}"),
                password=t("cli.yes") if p["password_set"] else t("cli.no"),
                active=t("cli.yes") if p["active"] else t("cli.no")))
    return 0


def cmd_staff_add(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import staff

    store = open_db(settings)
    manager = _authorised_manager(store, args)
    password = None if args.no_password else ask_new_password(args, args.name)
    staff.add_staff(store, manager, args.name, args.role, password)
    print(t("cli.staff_added", name=args.name, role=t(f"staff.role.{args.role}")))
    return 0


def cmd_staff_role(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import staff

    store = open_db(settings)
    staff.set_role(store, _authorised_manager(store, args), args.name, args.role)
    print(t("cli.staff_role_set", name=args.name, role=t(f"staff.role.{args.role}")))
    return 0


def cmd_staff_passwd(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import staff

    store = open_db(settings)
    old = manager = None
    if args.manager:
        manager = _authorised_manager(store, args)
    elif staff.has_password(store, args.name):
        old = ask_password(args, t("cli.old_password_for", name=args.name))
    else:  # nobody may set a first password on someone else's name unasked
        raise UserError("signin.first_password_needs_manager", name=args.name)
    new = ask_new_password(args, args.name)
    staff.set_password(store, args.name, new, old_password=old, manager=manager)
    print(t("cli.password_set", name=args.name))
    return 0


def cmd_staff_deactivate(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import staff

    store = open_db(settings)
    staff.deactivate(store, _authorised_manager(store, args), args.name)
    print(t("cli.staff_deactivated", name=args.name))
    return 0


def cmd_staff_activate(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import staff

    store = open_db(settings)
    staff.activate(store, _authorised_manager(store, args), args.name)
    print(t("cli.staff_activated", name=args.name))
    return 0


def add_staff_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """`staff init|list|add|role|passwd|deactivate|activate`."""
    staff = sub.add_parser("staff", parents=[common], help=t("signin.cli_help.staff")
                           ).add_subparsers(dest="staff_command", metavar="WHAT", required=True)
    init = staff.add_parser("init", parents=[common], help=t("signin.cli_help.init"),
                            description=t("signin.cli_help.init_description"))
    init.add_argument("name", metavar="NAME")
    staff_list = staff.add_parser("list", parents=[common], help=t("signin.cli_help.list"))
    staff_list.add_argument("--json", action="store_true")
    staff_list.set_defaults(handler=cmd_staff_list)
    staff_add = staff.add_parser("add", parents=[common], help=t("signin.cli_help.add"))
    staff_add.add_argument("name")
    staff_add.add_argument("--role", type=catalog_choice("--role", ROLES, "staff.role.{}"),
                           default="staff", metavar="|".join(ROLES))
    staff_add.add_argument("--no-password", action="store_true",
                           help=t("signin.cli_help.no_password"))
    staff_role = staff.add_parser("role", parents=[common], help=t("signin.cli_help.role"))
    staff_role.add_argument("name")
    staff_role.add_argument("role", type=catalog_choice("ROLE", ROLES, "staff.role.{}"),
                            metavar="|".join(ROLES))
    staff_pw = staff.add_parser("passwd", parents=[common], help=t("signin.cli_help.passwd"))
    staff_pw.add_argument("name")
    staff_off = staff.add_parser("deactivate", parents=[common],
                                 help=t("signin.cli_help.deactivate"))
    staff_off.add_argument("name")
    staff_on = staff.add_parser("activate", parents=[common], help=t("signin.cli_help.activate"))
    staff_on.add_argument("name")
    for command in (staff_add, staff_role, staff_pw, staff_off, staff_on):
        command.add_argument("--manager", metavar="NAME", help=t("signin.cli_help.manager"))
    for command, handler in ((init, cmd_staff_init), (staff_add, cmd_staff_add),
                             (staff_role, cmd_staff_role), (staff_pw, cmd_staff_passwd),
                             (staff_off, cmd_staff_deactivate), (staff_on, cmd_staff_activate)):
        add_password_stdin(command)
        command.set_defaults(handler=handler)


def add_password_stdin(command: argparse.ArgumentParser) -> None:
    """The one way a script gives passwords: one line of stdin per prompt."""
    command.add_argument("--password-stdin", action="store_true",
                         help=t("signin.cli_help.password_stdin"))
