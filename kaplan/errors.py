"""What a user can get wrong: one base, turned into a message and an exit code by the CLI alone.

Why one base: any module may raise a :class:`KaplanError` where it sees the mistake, and no command
needs an ``except`` of its own. Anything that is not a KaplanError is a bug and keeps its traceback.
No Click here: the plan format imports this module and must stay free of it.
"""

from __future__ import annotations


class KaplanError(Exception):
    """A user's mistake or a problem of their files: its message is shown, without a traceback."""

    exit_code = 1


class UsageError(KaplanError):
    """A mistake in how kaplan was called or configured: the message says what to do.

    ``param`` names the parameter that was wrong (as the function calling it names it, such as "id"
    or "name"), for a hint at the command line's argument or option of that name.
    """

    exit_code = 2

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param
