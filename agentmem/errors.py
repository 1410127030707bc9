"""The project's error hierarchy.

Every error raised on purpose by agentmem derives from :class:`AgentMemError` and
from the builtin that fits it, so ``except ValueError`` keeps working for callers
who do not know about agentmem. Messages say what was wrong, what was received
and how to fix it.
"""

from __future__ import annotations

__all__ = [
    "AgentMemError",
    "ConfigError",
    "InvalidContentError",
    "InvalidScopeError",
    "InvalidOperationError",
    "InvalidArgumentError",
    "MemoryNotFound",
    "MissingDependencyError",
    "LLMOutputError",
    "LLMError",
    "StoreError",
    "StoreLockedError",
    "ConflictError",
]


class AgentMemError(Exception):
    """Root of every error agentmem raises on purpose."""


class ConfigError(AgentMemError, ValueError):
    """A configuration value is invalid or inconsistent."""


class InvalidContentError(AgentMemError, ValueError):
    """Memory content is empty, too long, or not valid UTF-8 text."""


class InvalidScopeError(AgentMemError, ValueError):
    """A scope (user_id / agent_id / session_id) is missing or malformed."""


class InvalidOperationError(AgentMemError, ValueError):
    """An operation in a batch is malformed; ``index`` says which one."""

    def __init__(self, message: str, *, index: int | None = None):
        super().__init__(message)
        self.index = index


class InvalidArgumentError(AgentMemError, ValueError):
    """An argument (k, kinds, a time range, a file) is out of range or malformed."""


class MemoryNotFound(AgentMemError, KeyError):
    """No memory (or no such version of it) exists under the given id."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "memory not found"


class MissingDependencyError(AgentMemError, ImportError):
    """An optional dependency is needed; the message holds the install command."""


class LLMError(AgentMemError, RuntimeError):
    """A language-model backend failed (timeout, connection, server error)."""


class LLMOutputError(AgentMemError, ValueError):
    """A language model's reply could not be parsed; ``raw`` holds its text."""

    def __init__(self, message: str, *, raw: str):
        super().__init__(f"{message}\n--- raw reply ---\n{raw[:2000]}")
        self.raw = raw


class StoreError(AgentMemError, RuntimeError):
    """The storage directory or database is unusable (foreign, corrupt, mismatched)."""


class ConflictError(StoreError):
    """Another writer changed a record after this batch read it (optimistic versioning):
    nothing of the batch was applied; read again and retry."""


class StoreLockedError(StoreError):
    """Another process holds the embedded store open."""


def missing(package: str, extra: str, what: str) -> MissingDependencyError:
    """Build the error for an optional dependency that is not installed."""
    return MissingDependencyError(
        f"{what} needs the package '{package}', which is not installed. "
        f"Install it with: pip install 'agentmem[{extra}]'"
    )


def integer_arg(name: str, value: object, low: int, high: int | None = None) -> int:
    """``value`` if it is a whole number within ``low..high``, else one clear error.
    (``True`` and ``2.5`` are not counts; neither is ``"5"``.)"""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentError(f"{name} must be a whole number (int), got {value!r} "
                                   f"({type(value).__name__})")
    if value < low or (high is not None and value > high):
        bounds = f"within {low}..{high}" if high is not None else f">= {low}"
        raise InvalidArgumentError(f"{name} must be {bounds}, got {value}")
    return value


def choice_arg(name: str, value: object, options: tuple[str, ...]) -> str:
    """``value`` if it is one of ``options``, else one clear error listing them."""
    if value not in options:
        raise InvalidArgumentError(f"{name}={value!r} is not one of {', '.join(options)}")
    return value  # type: ignore[return-value]


def first_error(exc) -> str:
    """One line naming the first problem of a pydantic ``ValidationError``."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "value"
    message = err["msg"].removeprefix("Value error, ")  # our validators' own words
    return f"{where}: {message} (got {err.get('input')!r:.80})"
