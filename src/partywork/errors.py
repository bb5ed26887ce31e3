"""The error types of pw. The core raises these; only the CLI boundary turns them into exit
codes."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    PROBLEMS = 1
    USAGE = 2
    DATA = 65
    NOT_FOUND = 66
    INTERNAL = 70
    IO = 74
    BUSY = 75
    PERMISSION = 77
    CONFIG = 78
    INTERRUPTED = 130


class PwError(Exception):
    """A failure the user can act on: a message, a hint, and the exit code it maps to."""

    code = ExitCode.INTERNAL

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(PwError):
    code = ExitCode.USAGE


class DataError(PwError):
    code = ExitCode.DATA


class NotFound(PwError):
    code = ExitCode.NOT_FOUND


class StorageError(PwError):
    code = ExitCode.IO


class Busy(PwError):
    code = ExitCode.BUSY


class ConfigError(PwError):
    code = ExitCode.CONFIG


class GitError(PwError):
    """git failed in a way pw did not expect; maps to an internal error unless re-raised as
    another."""

    code = ExitCode.INTERNAL


class RemoteError(PwError):
    """The git server could not be reached or did not answer (exit 74)."""

    code = ExitCode.IO


class RemoteRefused(PwError):
    """The git server refused, or needs a login pw cannot give (exit 77)."""

    code = ExitCode.PERMISSION


class LoginNeeded(RemoteRefused):
    """The server asks for a login and none could be given: no stored credential, and no terminal
    for git's prompt (exit 77). `remote` is the name or address pw exchanged with."""

    def __init__(self, message: str, hint: str = "", remote: str = "") -> None:
        super().__init__(message, hint)
        self.remote = remote


class LoginRefused(RemoteRefused):
    """The server refused the user name and password it was given (exit 77)."""

    def __init__(self, message: str, hint: str = "", remote: str = "") -> None:
        super().__init__(message, hint)
        self.remote = remote


class InvalidRecords(DataError):
    """Validation found errors; carries the problems so the CLI can list each one."""

    def __init__(self, message: str, problems: list, hint: str = "") -> None:
        super().__init__(message, hint)
        self.problems = problems
