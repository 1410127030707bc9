"""Command line entry point: ``agentmem``."""

from agentmem.cli.main import app, main

__all__ = ["app", "main"]
