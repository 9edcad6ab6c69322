"""The one user-error base: KaplanError and its usage error, with their exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run

from kaplan.errors import KaplanError, UsageError


def test_a_usage_error_is_a_kaplan_error_with_exit_code_2() -> None:
    assert issubclass(UsageError, KaplanError)
    assert KaplanError("x").exit_code == 1
    error = UsageError("no plan named 'acme'", param="id")
    assert error.exit_code == 2
    assert error.param == "id"
    assert str(error) == "no plan named 'acme'"
    assert UsageError("bad").param is None


def test_a_kaplan_error_is_no_builtin_user_error() -> None:
    # Catching KaplanError must not swallow bugs: it is neither a ValueError nor an OSError.
    assert not issubclass(KaplanError, (ValueError, OSError, KeyError))
    with pytest.raises(KaplanError):
        raise UsageError("x")


def test_the_cli_turns_a_usage_error_into_a_message_and_exit_code_2(repo: Path) -> None:
    result = run("check", "--today", "2026-13-01")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
