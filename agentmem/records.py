"""Memory records, scopes and provenance (pydantic v2 models)."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from agentmem.errors import InvalidArgumentError, InvalidContentError, InvalidScopeError

__all__ = [
    "Kind",
    "SourceType",
    "Scope",
    "Provenance",
    "MemoryRecord",
    "new_id",
    "utcnow",
    "clean_content",
    "DEFAULT_MAX_CONTENT_CHARS",
]

#: Content longer than this is refused unless the store is configured otherwise.
DEFAULT_MAX_CONTENT_CHARS = 16_000

_ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case
_SCOPE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@:\-]{0,127}$")


def new_id() -> str:
    """Return a short random id: 12 base32 characters (60 bits)."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(12))


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _aware(value: datetime) -> datetime:
    # Naive datetimes are taken as UTC so that comparisons never mix the two kinds.
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


class Kind(str, Enum):
    """What a record is. Structures built on records use their own kind."""

    FACT = "fact"
    NOTE = "note"
    LESSON = "lesson"
    TASK_NODE = "task_node"
    SUMMARY = "summary"
    TURN = "turn"
    PREFERENCE = "preference"
    ITEM = "item"
    PROFILE = "profile"


class SourceType(str, Enum):
    """Where a memory came from; untrusted sources start with low trust."""

    USER = "user"
    DIALOGUE = "dialogue"
    TOOL = "tool"
    DOCUMENT = "document"
    WEB = "web"
    EMAIL = "email"
    POLICY = "policy"
    IMPORT = "import"
    SYSTEM = "system"


_DEFAULT_TRUST = {SourceType.TOOL: 0.3, SourceType.WEB: 0.2, SourceType.DOCUMENT: 0.6,
                  SourceType.EMAIL: 0.3}


def clean_content(content: Any, max_chars: int = DEFAULT_MAX_CONTENT_CHARS) -> str:
    """Validate memory content and return it as a stripped ``str``.

    Raises:
        InvalidContentError: the content is not text, not valid UTF-8, empty,
            contains NUL characters, or is longer than ``max_chars``.
    """
    if isinstance(content, (bytes, bytearray, memoryview)):
        try:
            content = bytes(content).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidContentError(
                f"content is not valid UTF-8 (bad byte {bytes(content)[exc.start]:#04x} at "
                f"offset {exc.start}); decode it with the right codec before storing"
            ) from None
    if not isinstance(content, str):
        raise InvalidContentError(
            f"content must be a string, got {type(content).__name__}; convert it with str() "
            "or json.dumps() first"
        )
    try:
        content.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidContentError(
            f"content holds a character that is not valid UTF-8 (a lone surrogate "
            f"{content[exc.start]!r} at offset {exc.start}); it usually comes from bytes decoded "
            "with errors='surrogateescape'"
        ) from None
    if "\x00" in content:
        raise InvalidContentError(
            f"content contains a NUL character at offset {content.index(chr(0))}; strip it first"
        )
    text = content.strip()
    if not text:
        raise InvalidContentError("content is empty or whitespace only; pass some text")
    if len(text) > max_chars:
        raise InvalidContentError(
            f"content is {len(text):,} characters, over the limit of {max_chars:,}; split it into "
            "several memories or raise MemoryConfig.max_content_chars"
        )
    return text


def check_record_id(value: Any) -> str:
    """A memory id from outside (an import, an operation): the same characters as scope
    ids, so it is safe in every store, index and terminal. Raises ``ValueError``."""
    if not isinstance(value, str) or not _SCOPE_RE.match(value):
        raise ValueError(f"id {value!r} is not valid: use 1-128 characters of letters, digits "
                         "and _ . @ : -, starting with a letter or digit")
    return value


def check_metadata(value: Any) -> Any:
    """Metadata must be JSON (objects with string keys, lists, strings, finite numbers,
    booleans, null) so that export, import and every backend keep it exactly. Raises
    ``ValueError``."""
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"metadata is not plain JSON ({exc}); use strings, finite numbers, "
                         "booleans, None, lists and dicts with string keys") from None
    if value is not None and not all(isinstance(k, str) for k in value):
        raise ValueError("metadata keys must be strings")
    return value


def _check_scope_id(name: str, value: Any, error: type[Exception]) -> None:
    if not isinstance(value, str) or not _SCOPE_RE.match(value):
        raise error(
            f"{name}={value!r} is not a valid scope id: use 1-128 characters of letters, "
            "digits and _ . @ : -, starting with a letter or digit"
        )


class Scope(BaseModel):
    """Who a memory belongs to. Unset fields are wildcards when searching."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    user_id: str | None = None
    agent_id: str | None = None
    session_id: str | None = None

    @field_validator("user_id", "agent_id", "session_id", mode="before")
    @classmethod
    def _check(cls, value: Any, info) -> Any:
        if value is not None:
            _check_scope_id(info.field_name, value, ValueError)
        return value

    @classmethod
    def of(
        cls, user_id: Any = None, agent_id: Any = None, session_id: Any = None
    ) -> "Scope":
        """Build a scope, raising :class:`InvalidScopeError` on a malformed id."""
        for name, value in (("user_id", user_id), ("agent_id", agent_id), ("session_id", session_id)):
            if value is not None:
                _check_scope_id(name, value, InvalidScopeError)
        return cls(user_id=user_id, agent_id=agent_id, session_id=session_id)

    @property
    def is_empty(self) -> bool:
        return self.user_id is None and self.agent_id is None and self.session_id is None

    def require(self) -> "Scope":
        """Return self, or raise if no field is set."""
        if self.is_empty:
            raise InvalidScopeError(
                "no scope given: pass user_id=, agent_id= or session_id= (or set a default "
                "scope with Memory(user_id=...))"
            )
        return self

    def merged(self, default: "Scope | None") -> "Scope":
        """Fill unset fields from ``default``."""
        if default is None:
            return self
        return Scope(
            user_id=self.user_id or default.user_id,
            agent_id=self.agent_id or default.agent_id,
            session_id=self.session_id or default.session_id,
        )

    def matches(self, other: "Scope") -> bool:
        """True when every field set here equals the same field of ``other``."""
        return all(
            getattr(self, f) is None or getattr(self, f) == getattr(other, f)
            for f in ("user_id", "agent_id", "session_id")
        )

    def items(self) -> list[tuple[str, str]]:
        return [(f, v) for f in ("user_id", "agent_id", "session_id") if (v := getattr(self, f))]


#: ``metadata`` key of the extra words keyword search finds a record by.
INDEX_TERMS = "index_terms"


class Provenance(BaseModel):
    """Where a memory came from: a source type and a reference into it."""

    model_config = ConfigDict(extra="forbid")

    source: SourceType = SourceType.USER
    ref: str | None = Field(default=None, description="e.g. a dialogue turn id such as 'D3:7'")
    actor: str | None = Field(default=None, description="who wrote it: a user, a policy name")

    @classmethod
    def parse(cls, value: Provenance | Any) -> Provenance:
        """``value`` (a Provenance or a mapping) as a Provenance, or one clear error that
        names a source type it does not know and the ones it does. Unknown sources are
        refused rather than guessed: the guard's trust in a memory rests on its source."""
        if isinstance(value, Provenance):
            return value
        if not isinstance(value, Mapping):
            raise InvalidArgumentError(f"provenance must be a Provenance or a mapping such as "
                                       f"{{'source': 'tool'}}, got {type(value).__name__}")
        source = value.get("source", SourceType.USER)
        if not isinstance(source, str) or source not in {s.value for s in SourceType}:
            raise InvalidArgumentError(
                f"unknown provenance source {source!r}: use one of "
                f"{', '.join(s.value for s in SourceType)} (content from outside the "
                "conversation is 'document', 'web' or 'email', a program's output 'tool': "
                "all untrusted)")
        return cls.model_validate(dict(value))


class MemoryRecord(BaseModel):
    """One stored memory."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=new_id)
    content: str
    kind: Kind = Kind.FACT
    scope: Scope
    provenance: Provenance = Field(default_factory=Provenance)
    trust: float = Field(default=-1.0, description="0..1; defaults by provenance source")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime | None = None
    event_time: datetime | None = Field(default=None, description="when the fact happened")
    version: int = Field(default=1, ge=1)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _defaults(self) -> "MemoryRecord":
        if self.trust < 0:
            self.trust = _DEFAULT_TRUST.get(self.provenance.source, 1.0)
        if self.trust > 1:
            raise ValueError(f"trust must be within 0..1, got {self.trust}")
        self.created_at = _aware(self.created_at)
        self.updated_at = _aware(self.updated_at or self.created_at)
        if self.event_time is not None:
            self.event_time = _aware(self.event_time)
        return self

    @property
    def effective_time(self) -> datetime:
        """The time used by time filters: the event time when known, else creation."""
        return self.event_time or self.created_at

    @property
    def index_text(self) -> str:
        """What keyword search matches: the content plus the record's ``index_terms``
        (words of what was drawn from it, see :mod:`agentmem.expansion`)."""
        terms = self.metadata.get(INDEX_TERMS)
        if not isinstance(terms, list) or not terms:
            return self.content
        return f"{self.content}\n{' '.join(str(t) for t in terms)}"
