"""Packaging promises: a cheap import, a hand-picked public API, layered imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import agentmem

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "transformers", "trl", "chromadb", "sentence_transformers", "openai",
         "anthropic", "peft", "langgraph")


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=120, check=True).stdout.split()
    return {m.split(".")[0] for m in out}


def test_import_agentmem_is_cheap():
    loaded = _loaded_after("import agentmem")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_opening_an_in_process_memory_stays_light():
    loaded = _loaded_after("from agentmem import Memory\nfrom agentmem.testing import HashEmbedder\n"
                           "Memory(home=':memory:', embedder=HashEmbedder(), user_id='u')"
                           ".add('x')")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_public_api_resolves():
    for name in agentmem.__all__:
        assert getattr(agentmem, name) is not None


def test_import_direction():
    """agentmem imports none of policies/envs/training; policies and envs not training."""
    rules = {"agentmem": {"policies", "envs", "training"}, "policies": {"training", "envs"},
             "envs": {"training", "policies"}}
    for pkg, banned in rules.items():
        for path in (ROOT / pkg).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                for n in names:
                    assert n.split(".")[0] not in banned, f"{path} imports {n}"
