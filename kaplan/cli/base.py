"""The ``kaplan`` group, its one error handler and the options its commands share."""

from __future__ import annotations

from functools import partial
from typing import Any

import click

from kaplan import __version__
from kaplan.config import Workspace, load_workspace
from kaplan.errors import KaplanError, UsageError
from kaplan.plan import AUDIENCES


class KaplanCommand(click.Command):
    """A command whose :class:`KaplanError` ends in its message and exit code: the one handler."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KaplanError as exc:
            raise _click_error(exc, ctx) from None


class KaplanGroup(click.Group):
    """The ``kaplan`` group: every command added to it is a :class:`KaplanCommand`."""

    command_class = KaplanCommand


def _click_error(exc: KaplanError, ctx: click.Context) -> click.ClickException:
    """Click's exception for a user error: a usage error shows the usage and names the parameter."""
    error: click.ClickException
    if not isinstance(exc, UsageError):
        error = click.ClickException(str(exc))
    elif (hint := _param_hint(ctx, exc.param)) is not None:
        error = click.BadParameter(str(exc), ctx=ctx, param_hint=hint)
    else:
        error = click.UsageError(str(exc), ctx=ctx)
    error.exit_code = exc.exit_code  # type: ignore[misc]  # Click's is per class; kaplan's per error
    return error


def _param_hint(ctx: click.Context, name: str | None) -> str | None:
    """How the command line spells parameter ``name``: an argument's metavar (ID), an option ('--name')."""
    for param in ctx.command.params if name else ():
        if isinstance(param, click.Argument) and name in (param.name, param.human_readable_name.lower()):
            return param.human_readable_name
        if isinstance(param, click.Option) and param.name == name:
            return param.get_error_hint(ctx)
    return None


def _workspace() -> Workspace:
    from kaplan.coach.rules import RULES  # the model and the coach: loaded by the commands that need them

    return load_workspace(rule_codes=tuple(RULES))


def _echo_config_findings(workspace: Workspace, fmt: str = "text") -> bool:
    """Show problems of kaplan.yaml; True when there were errors."""
    for f in workspace.findings:
        click.echo(f.github() if fmt == "github" else f.text(), err=fmt == "json")
    return bool(workspace.findings)


# Options that several commands share, each with its own help.
_format = partial(click.option, "--format", "fmt", default="text", show_default=True, help="Output format.")
_today = partial(click.option, "--today", metavar="YYYY-MM-DD")
_audience = partial(click.option, "--audience", type=click.Choice(AUDIENCES))


@click.group(cls=KaplanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kaplan")
def main() -> None:
    """kaplan: key-account plans as code. Check plans, build dossiers and the plan site."""
