"""``agentmem ui``: look into a memory in the browser, correct it, see why the guard acted."""

from agentmem.ui.app import PAGE_SIZE, create_app

__all__ = ["create_app", "PAGE_SIZE"]
