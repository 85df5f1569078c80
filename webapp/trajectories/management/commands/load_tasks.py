"""``manage.py load_tasks FILE...``: import ColBench task files (official or Duet JSONL).

Idempotent by task id (re-running creates nothing new; changed rows are updated) and
all-or-nothing: if any row of any file is malformed, nothing is written and every defect is
listed as ``file:line: field: reason``.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from training.colbench.tasks import TASK_KINDS, TaskFormatError
from training.paths import bundled_tasks_dir
from webapp.trajectories.importing import bundled_task_files, import_tasks


class Command(BaseCommand):
    help = "Import ColBench task files into the database (all-or-nothing, idempotent by id)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="JSONL task files")
        parser.add_argument(
            "--bundled",
            action="store_true",
            help="import Duet's bundled sets (data/colbench/*/{train,test}.jsonl)",
        )
        parser.add_argument("--kind", choices=TASK_KINDS, help="require every task to be this kind")
        parser.add_argument(
            "--source", default="duet", help="source label for rows that carry none (e.g. official)"
        )

    def handle(self, *args, files: list[Path], bundled: bool, kind, source: str, **options):
        paths = list(files)
        if bundled:
            paths.extend(bundled_task_files(bundled_tasks_dir()))
        if not paths:
            raise CommandError("no task files given (name files, or pass --bundled)")
        try:
            report = import_tasks(paths, kind=kind, source=source)
        except TaskFormatError as exc:
            raise CommandError(
                f"nothing imported; {len(exc.problems)} problem(s):\n{exc}"
            ) from None
        self.stdout.write(f"loaded {len(paths)} file(s): {report.summary()}")
