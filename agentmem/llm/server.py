"""``agentmem serve-llm``: serve any backend over OpenAI- and Anthropic-compatible HTTP.

Peer memory systems (and the OpenAI / Anthropic SDKs) can then use the embedded
local model exactly as they would use a hosted one. Routes (also without ``/v1``,
except the Anthropic one):

- ``GET  /v1/models``
- ``POST /v1/chat/completions`` (``response_format`` json_schema / json_object honoured
  with constrained decoding on the local backend; ``stream: true`` answers with SSE
  chunks and ``data: [DONE]``)
- ``POST /v1/messages`` (Anthropic; a forced tool call decodes to the tool's input
  schema; ``stream: true`` answers with Anthropic's event stream)
- ``POST /v1/embeddings`` (when the server was given an embedder)

How it behaves:

- **One reply at a time, in arrival order.** Generation runs on ``workers`` threads
  (default 1: the local model is not made for two at once), so ``/v1/models`` and new
  requests are answered while a long reply is generated. At most ``max_queue``
  requests wait; one more gets 503 with ``Retry-After``. Embeddings have their own line.
- **A deadline per request** (``timeout`` seconds, reading the body and the wait in
  line included): 504 when no reply came in time, 408 when the body did not arrive.
  A generation already running cannot be interrupted; it finishes and its reply is
  dropped, and the next request in line starts then.
- **Streaming is not token by token**: the backends return whole replies, so the reply
  is generated first and then sent as a stream of word-sized chunks. Clients that
  stream work unchanged; the first byte comes when the reply is done.
- **Checked parameters**: ``max_tokens`` an integer >= 1 (512 when absent),
  ``temperature`` finite in [0, 2] (OpenAI) or [0, 1] (Anthropic), well-formed
  ``messages`` with text content; a bad field is a 400 that names it. Fields the
  server does not use (``top_p``, ``stop``, ``tools`` without a forced choice, ...) are
  accepted and ignored. Errors come in the format of the API that was called.
- **finish_reason** is ``length`` (Anthropic: ``stop_reason`` ``max_tokens``) when the
  reply used its whole ``max_tokens`` budget, as the backends report no stop reason,
  else ``stop`` (``end_turn``; ``tool_use`` for a forced tool).
- **An optional API key**: with ``api_key`` every request needs ``Authorization:
  Bearer KEY`` or ``x-api-key: KEY`` (else 401). Binding to a non-loopback host
  without one logs a warning.

Framing (bad ``Content-Length`` and the like) is uvicorn's: a malformed request is a
400 and the connection is closed.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
from typing import Any

from agentmem.errors import InvalidArgumentError, LLMError, missing
from agentmem.llm.base import LLM

__all__ = ["LLMServer", "serve", "require_server_packages"]

log = logging.getLogger("agentmem.server")


def require_server_packages() -> None:
    """Raise :class:`~agentmem.errors.MissingDependencyError` naming the ``serve`` extra
    unless Starlette, uvicorn and sse-starlette are installed (checked before a model loads)."""
    try:
        import sse_starlette  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise missing((exc.name or "uvicorn").replace("_", "-"), "serve",
                      "The LLM server (agentmem serve-llm)") from None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def _bind(host: str, port: int) -> socket.socket:
    # Bound here, not by uvicorn, so that ``port=0`` gives its real port at construction.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise InvalidArgumentError(f"cannot listen on {host}:{port}: {exc.strerror}; pick "
                                   "another --port or --host") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


class LLMServer:
    """An HTTP server around one backend. ``port=0`` picks a free port (see ``.port``).

    ``start()`` serves on a background thread; ``shutdown()`` then ``server_close()``
    (or ``close()``, or a ``with`` block) stop it. ``serve_forever()`` serves in the
    foreground until Ctrl-C.

    Args:
        api_key: when given, every request must carry it (see the module doc).
        timeout: seconds a request may take, its wait in line included (``None``: no limit).
        max_queue: requests that may wait for the model; one more is refused with 503.
        workers: replies generated at once; raise it only for a backend that is safe to
            call from several threads (a hosted API), never for the local model.
    """

    def __init__(self, llm: LLM, host: str = "127.0.0.1", port: int = 0, embedder: Any = None,
                 *, api_key: str | None = None, timeout: float | None = 600.0,
                 max_queue: int = 16, workers: int = 1, log_level: str = "warning"):
        require_server_packages()
        import uvicorn

        from agentmem.llm._http_app import build_app
        from agentmem.llm._http_queue import WorkQueue

        if timeout is not None and not timeout > 0:
            raise InvalidArgumentError(f"timeout must be > 0 seconds (or None), got {timeout}")
        if max_queue < 0 or workers < 1:
            raise InvalidArgumentError(f"need max_queue >= 0 and workers >= 1, got {max_queue} "
                                       f"and {workers}")
        self.llm, self.embedder = llm, embedder
        self._queues = [WorkQueue(workers, max_queue, "llm"), WorkQueue(1, max_queue, "embed")]
        app = build_app(llm, embedder, api_key=api_key or None, timeout=timeout,
                        chat_queue=self._queues[0], embed_queue=self._queues[1])
        self._socket = _bind(host, port)
        self.server_address = self._socket.getsockname()[:2]
        self._server = uvicorn.Server(uvicorn.Config(
            app, log_level=log_level, lifespan="off", timeout_graceful_shutdown=5,
            access_log=log_level in ("debug", "info")))
        self._thread: threading.Thread | None = None
        if not api_key and not _loopback(host):
            log.warning("serving on %s without an API key: anyone who can reach this host can "
                        "use the model; pass --api-key (or set AGENTMEM_API_KEY)", host)

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def base_url(self) -> str:
        host = self.server_address[0]
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}/v1"

    @property
    def waiting(self) -> int:
        """Chat requests waiting for the model (the one being answered not counted)."""
        return self._queues[0].waiting

    def start(self) -> "LLMServer":
        """Serve in a background thread; return self once requests are answered."""
        self._thread = threading.Thread(target=self._server.run, args=([self._socket],),
                                        name="agentmem-llm-server", daemon=True)
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise LLMError("the LLM server stopped while starting; its log says why")
            self._thread.join(0.01)
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until Ctrl-C (or :meth:`shutdown` from another thread)."""
        self._server.run([self._socket])

    def shutdown(self) -> None:
        """Stop serving: requests in flight are finished, for up to 5 s."""
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)

    def server_close(self) -> None:
        """Release the port and the worker threads (a generation still running finishes)."""
        self._socket.close()
        for queue in self._queues:
            queue.close()

    def close(self) -> None:
        self.shutdown()
        self.server_close()

    def __enter__(self) -> "LLMServer":
        return self if self._thread is not None else self.start()

    def __exit__(self, *exc: Any) -> None:
        self.close()


def serve(llm: LLM, host: str = "127.0.0.1", port: int = 8765, embedder: Any = None,
          **options: Any) -> None:
    """Serve in the foreground until interrupted. ``options``: those of :class:`LLMServer`."""
    server = LLMServer(llm, host, port, embedder, log_level="info", **options)
    try:
        server.serve_forever()
    except KeyboardInterrupt:  # uvicorn shuts down cleanly, then passes Ctrl-C on: done
        pass
    finally:
        server.server_close()
