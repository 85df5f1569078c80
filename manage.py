#!/usr/bin/env python
"""Django's command-line utility for Duet (``duet_up``, ``load_tasks``, ``duet_user``...)."""

import os
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
    from django.core.management import execute_from_command_line

    from webapp.config import ConfigError

    try:
        execute_from_command_line(sys.argv)
    except ConfigError as exc:
        # One line naming the variable, not a traceback: the person has a setting to fix.
        print(f"duet: configuration error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
