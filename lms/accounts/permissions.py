"""Who may do what to accounts: a person's own, and everyone's for HR and admin."""

from __future__ import annotations

from typing import Any

from lms.accounts.models import Role, User
from lms.policy import is_staff, rule


@rule("account.view_own", "account.change_password", "account.set_locale")
def _own_account(user: User, obj: Any) -> bool:
    return True


@rule("account.export_own")
def _export_own(user: User, obj: Any) -> bool:
    """Data saya: everyone signed in downloads their own data, never someone else's (the route
    takes no person; it always answers for the signed-in one)."""
    return True


@rule("users.list", "users.create")
def _staff(user: User, obj: Any) -> bool:
    return is_staff(user)


@rule("users.manage")
def _manage_user(user: User, target: User | None) -> bool:
    """An admin manages every account; HR only those of people who hold neither the HR nor
    the admin role (no officer resets a fellow officer's password and reads it)."""
    if user.has_role(Role.ADMIN):
        return True
    if not user.has_role(Role.HR):
        return False
    return target is None or not is_staff(target)


@rule("users.grant_staff")
def _grant_staff(user: User, obj: Any) -> bool:
    """Only an admin grants or removes the HR and admin roles."""
    return user.has_role(Role.ADMIN)
