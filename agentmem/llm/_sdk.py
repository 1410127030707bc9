"""Building a vendor SDK client: the import with an install hint, and the API key."""

from __future__ import annotations

import importlib
import os
from typing import Any

from agentmem.errors import missing

__all__ = ["sdk_client"]


def sdk_client(package: str, cls: str, what: str, *, base_url: str | None,
               api_key: str | None, **kwargs: Any) -> Any:
    """``package.cls(base_url=..., api_key=..., **kwargs)``.

    The key defaults to ``$PACKAGE_API_KEY``; a local server (``base_url`` given) that
    needs no key gets a placeholder, since the SDKs refuse to start without one.
    """
    try:
        module = importlib.import_module(package)
    except ImportError:
        raise missing(package, package, what) from None
    key = api_key or os.environ.get(f"{package.upper()}_API_KEY") or ("local" if base_url else None)
    return getattr(module, cls)(base_url=base_url, api_key=key, **kwargs)
