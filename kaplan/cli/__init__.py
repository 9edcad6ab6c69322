"""The ``kaplan`` command line: glue only. The only package that prints or picks exit codes.

:mod:`~kaplan.cli.base` holds the group and its one error handler; each module next to it adds a
family of commands: :mod:`~kaplan.cli.plans` (check, rules, schema, new), :mod:`~kaplan.cli.build`
(build, serve), :mod:`~kaplan.cli.brief` (brief), :mod:`~kaplan.cli.interop` (export, import) and
:mod:`~kaplan.cli.repo` (init, diff, doctor).
"""

from __future__ import annotations

from kaplan.cli import brief, build, interop, plans, repo
from kaplan.cli.base import KaplanCommand, KaplanGroup, _echo_config_findings, _workspace, main

__all__ = [
    "KaplanCommand",
    "KaplanGroup",
    "_echo_config_findings",
    "_workspace",
    "brief",
    "build",
    "interop",
    "main",
    "plans",
    "repo",
]
