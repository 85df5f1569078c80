"""``manage.py duet_user``: create people and manage their roles and passwords.

    manage.py duet_user create alice --role annotator          # asks for the password twice
    DUET_PASSWORD=... manage.py duet_user create alice --role admin
    printf '%s' "$PW" | manage.py duet_user create bob --role collaborator --password-stdin
    manage.py duet_user set-role alice --role admin
    manage.py duet_user set-password alice
    manage.py duet_user list

There is no default password: without ``--password-stdin``, ``DUET_PASSWORD`` or a terminal to
prompt on, the command refuses. Passwords go through Django's password validators.
"""

from __future__ import annotations

import getpass
import os
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from webapp.accounts.roles import ROLES, roles_of, set_role


class Command(BaseCommand):
    help = "Create Duet users and manage their roles (admin, annotator, collaborator)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = sub.add_parser("create", help="create a user with a role")
        create.add_argument("username")
        create.add_argument("--role", choices=ROLES, required=True)
        create.add_argument("--email", default="")
        create.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )
        role = sub.add_parser("set-role", help="replace a user's role")
        role.add_argument("username")
        role.add_argument("--role", choices=ROLES, required=True)
        password = sub.add_parser("set-password", help="set a user's password")
        password.add_argument("username")
        password.add_argument("--password-stdin", action="store_true")
        sub.add_parser("list", help="list users and their roles")

    def handle(self, *args, action: str, **options):
        handler = {
            "create": self.create,
            "set-role": self.set_role,
            "set-password": self.set_password,
            "list": self.list_users,
        }[action]
        handler(**options)

    def create(self, *, username: str, role: str, email: str, password_stdin: bool, **_):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"user {username!r} already exists (use set-role / set-password)")
        user = User(username=username, email=email)
        password = self.read_password(password_stdin)
        self.validate(password, user)
        with transaction.atomic():
            user.set_password(password)
            user.save()
            set_role(user, role)
        self.stdout.write(f"created {username} with role {role}")

    def set_role(self, *, username: str, role: str, **_):
        user = self.get_user(username)
        set_role(user, role)
        self.stdout.write(f"{username} now has role {role}")

    def set_password(self, *, username: str, password_stdin: bool, **_):
        user = self.get_user(username)
        password = self.read_password(password_stdin)
        self.validate(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        self.stdout.write(f"password changed for {username}")

    def list_users(self, **_):
        for user in get_user_model().objects.order_by("username").prefetch_related("groups"):
            roles = ",".join(roles_of(user)) or "-"
            state = "" if user.is_active else " (inactive)"
            self.stdout.write(f"{user.username}\t{roles}{state}")

    @staticmethod
    def get_user(username: str):
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user named {username!r}") from None

    @staticmethod
    def read_password(from_stdin: bool) -> str:
        if from_stdin:
            password = sys.stdin.read().rstrip("\r\n")
        elif os.environ.get("DUET_PASSWORD"):
            password = os.environ["DUET_PASSWORD"]
        elif sys.stdin.isatty():
            password = getpass.getpass("Password: ")
            if getpass.getpass("Password (again): ") != password:
                raise CommandError("the two passwords differ; nothing changed")
        else:
            raise CommandError(
                "no password given: use --password-stdin, set DUET_PASSWORD, or run in a terminal"
            )
        if not password:
            raise CommandError("empty password; nothing changed")
        return password

    @staticmethod
    def validate(password: str, user) -> None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("password rejected: " + " ".join(exc.messages)) from None
