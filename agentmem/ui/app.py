"""The memory inspector: a small Starlette app with server-rendered pages.

Every page reads through the public :class:`~agentmem.Memory` API and every change
(restore, undo, release, confirm) goes through the one apply path with actor ``ui``, so the
history shows what was done here like anything else. Stored text is attacker-controlled
(a memory may hold ``<script>``), so templates autoescape everything and no stored
value is ever marked safe. State-changing requests are POST forms carrying a CSRF
token (double submit: a random token in a SameSite cookie and in the form, compared
in constant time); ``read_only`` refuses them all. Bound to another interface than
loopback, an access token is required (``?token=`` once, then a cookie).
"""

from __future__ import annotations

import difflib
import hmac
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from agentmem.errors import AgentMemError, MemoryNotFound, missing
from agentmem.memory import Memory

__all__ = ["create_app", "PAGE_SIZE"]

PAGE_SIZE = 50
_HERE = Path(__file__).resolve().parent
_CSRF = "agentmem_csrf"
_ACCESS = "agentmem_access"
_KINDS = ("turn", "fact", "profile", "note", "lesson", "task", "summary", "preference", "item")


def create_app(memory: Memory, *, read_only: bool = False, token: str | None = None,
               threads: str | Path | None = "auto") -> Any:
    """The inspector's ASGI app for ``memory`` (serve it with uvicorn, or see ``agentmem ui``).

    Args:
        read_only: refuse every change (restore, undo, release).
        token: an access token every request must carry (``?token=`` or its cookie);
            required when the app is reachable from other machines.
        threads: the :class:`~agentmem.Agent`'s checkpoints to show live (a SQLite file
            or a ``postgresql://`` URL; default: where an Agent on ``memory`` keeps them).
    """
    try:
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import PlainTextResponse, RedirectResponse
        from starlette.routing import Mount, Route
        from starlette.staticfiles import StaticFiles
        from starlette.templating import Jinja2Templates
    except ImportError:
        raise missing("starlette", "serve", "The memory inspector") from None

    import jinja2

    # Autoescape everything, whatever a template's name (stored text is hostile).
    templates = Jinja2Templates(env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_HERE / "templates")), autoescape=True))
    templates.env.globals.update(read_only=read_only, kinds=_KINDS)

    def render(request: Request, name: str, status: int = 200, **context: Any) -> Any:
        csrf = request.cookies.get(_CSRF) or secrets.token_urlsafe(24)
        response = templates.TemplateResponse(request, name, {"csrf": csrf, **context},
                                              status_code=status)
        response.set_cookie(_CSRF, csrf, httponly=True, samesite="strict")
        return response

    async def checked_form(request: Request) -> dict[str, str]:
        """The form of a POST, after the read-only and CSRF checks (raises _Refused)."""
        if read_only:
            raise _Refused(403, "this inspector is read-only (started with --read-only)")
        form = dict(await request.form())
        cookie = request.cookies.get(_CSRF, "")
        if not cookie or not hmac.compare_digest(cookie, str(form.get("csrf", ""))):
            raise _Refused(403, "missing or wrong CSRF token: reload the page and try again")
        return {k: str(v) for k, v in form.items()}

    def error(request: Request, exc: Exception, status: int = 400) -> Any:
        return render(request, "error.html", status=status, message=str(exc))

    # -- pages ------------------------------------------------------------------------------
    async def scopes(request: Request) -> Any:
        return render(request, "scopes.html", stats=memory.stats(),
                      users=_named(memory.count(by="user_id")),
                      agents=_named(memory.count(by="agent_id")),
                      sessions=_named(memory.count(by="session_id"))[:200])

    async def memories(request: Request) -> Any:
        q = request.query_params
        scope = _scope(q)
        kind = q.get("kind") or None
        page = max(0, _int(q.get("page"), 0))
        try:
            total = memory.count(**scope, kinds=kind)
            records = memory.list(**scope, kinds=kind, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
        except AgentMemError as exc:
            return error(request, exc)
        here = {**scope, **({"kind": kind} if kind else {})}
        return render(request, "memories.html", records=records, total=total, page=page,
                      pages=max(1, -(-total // PAGE_SIZE)), filters=here,
                      link=lambda p: "/memories?" + urlencode({**here, "page": p}))

    async def search(request: Request) -> Any:
        q = request.query_params
        query, scope = q.get("q", "").strip(), _scope(q)
        mode = q.get("mode") if q.get("mode") in ("hybrid", "vector", "keyword") else "hybrid"
        hits: list = []
        if query and not scope:
            return render(request, "search.html", query=query, hits=[], mode=mode,
                          filters=scope, notice="search is always within one scope: give a "
                          "user, an agent or a session")
        if query:
            try:
                hits = memory.search(query, k=min(50, max(1, _int(q.get("k"), 10))), mode=mode,
                                     include_quarantined=True, **scope)
            except AgentMemError as exc:
                return error(request, exc)
        return render(request, "search.html", query=query, hits=hits, mode=mode,
                      filters=scope)

    async def record(request: Request) -> Any:
        memory_id = request.path_params["memory_id"]
        history = _history(memory, memory_id)
        if not history:
            return error(request, MemoryNotFound(f"no memory with id {memory_id!r}"), 404)
        try:
            current = memory.get(memory_id)
        except MemoryNotFound:
            current = None  # deleted: the history still shows every version
        return render(request, "record.html", record=current, memory_id=memory_id,
                      history=[(e, _diff(e)) for e in history])

    async def quarantine(request: Request) -> Any:
        q = request.query_params
        scope, page = _scope(q), max(0, _int(q.get("page"), 0))
        try:
            flagged = memory.quarantined(**scope, limit=PAGE_SIZE + 1, offset=page * PAGE_SIZE)
        except AgentMemError as exc:
            return error(request, exc)
        more = len(flagged) > PAGE_SIZE
        return render(request, "quarantine.html", records=flagged[:PAGE_SIZE], filters=scope,
                      page=page, more=more,
                      link=lambda p: "/quarantine?" + urlencode({**scope, "page": p}),
                      why=lambda r: r.metadata.get("guard_reason")
                      or "; ".join(r.metadata.get("guard_flag") or []))

    async def graph(request: Request) -> Any:
        scope = _scope(request.query_params)
        if not scope:
            return render(request, "graph.html", filters=scope, svg=None,
                          notice="the note graph belongs to one scope: give a user or agent")
        from agentmem.structures.notes import LinkedNotes

        try:
            g = LinkedNotes(memory, **{k: v for k, v in scope.items() if k != "session_id"}
                            ).graph()
        except AgentMemError as exc:
            return error(request, exc)
        return render(request, "graph.html", filters=scope, svg=_layout(g),
                      nodes=g.number_of_nodes(), edges=g.number_of_edges())

    async def tasks(request: Request) -> Any:
        from agentmem.structures.tasks import TaskTree

        scope = {k: v for k, v in _scope(request.query_params).items() if k != "session_id"}
        task = request.query_params.get("task")
        try:
            if task:
                nodes = list(TaskTree.load(memory, task, **scope).nodes().values())
                return render(request, "tasks.html", filters=scope, task=task,
                              tree=_indented(nodes))
            roots = TaskTree.tasks(memory, **scope) if scope else []
        except AgentMemError as exc:
            return error(request, exc)
        return render(request, "tasks.html", filters=scope, roots=roots, task=None,
                      link=lambda t: "/tasks?" + urlencode({**_query(scope), "task": t}))

    checkpoints = _checkpoints(memory, threads)

    async def agent_threads(request: Request) -> Any:
        from agentmem.agent import thread_turns

        ids = thread_turns(checkpoints) if checkpoints is not None else []
        return render(request, "threads.html", threads=ids, turns=None, thread=None)

    async def agent_thread(request: Request) -> Any:
        from agentmem.agent import thread_turns

        thread = request.path_params["thread_id"]
        turns = thread_turns(checkpoints, thread) if checkpoints is not None else []
        return render(request, "threads.html", threads=None, turns=turns, thread=thread)

    # -- changes (POST, CSRF-checked, through the apply path) ------------------------------
    async def restore(request: Request) -> Any:
        memory_id = request.path_params["memory_id"]
        try:
            form = await checked_form(request)
            version = _int(form.get("version"), None)
            memory.restore(memory_id, version, actor="ui", reason="restored in the inspector")
        except _Refused as exc:
            return PlainTextResponse(exc.message, status_code=exc.status)
        except AgentMemError as exc:
            return error(request, exc)
        return RedirectResponse(f"/memory/{memory_id}", status_code=303)

    async def undo(request: Request) -> Any:
        try:
            form = await checked_form(request)
            memory.undo(form.get("batch", ""), actor="ui")
        except _Refused as exc:
            return PlainTextResponse(exc.message, status_code=exc.status)
        except AgentMemError as exc:
            return error(request, exc)
        back = form.get("back", "/")
        return RedirectResponse(back if back.startswith("/memory/") else "/", status_code=303)

    async def release(request: Request) -> Any:
        from agentmem.guard import ConsensusGuard

        memory_id = request.path_params["memory_id"]
        try:
            await checked_form(request)
            ConsensusGuard(memory).release(memory_id, reason="released in the inspector")
        except _Refused as exc:
            return PlainTextResponse(exc.message, status_code=exc.status)
        except AgentMemError as exc:
            return error(request, exc)
        return RedirectResponse("/quarantine", status_code=303)

    async def confirm(request: Request) -> Any:
        """The guard was right: delete the memory (restorable from its history)."""
        memory_id = request.path_params["memory_id"]
        try:
            await checked_form(request)
            memory.delete(memory_id, actor="ui", reason="confirmed as wrong in the inspector")
        except _Refused as exc:
            return PlainTextResponse(exc.message, status_code=exc.status)
        except AgentMemError as exc:
            return error(request, exc)
        return RedirectResponse("/quarantine", status_code=303)

    routes = [Route("/", scopes), Route("/memories", memories), Route("/search", search),
              Route("/memory/{memory_id}", record), Route("/quarantine", quarantine),
              Route("/graph", graph), Route("/tasks", tasks),
              Route("/threads", agent_threads), Route("/thread/{thread_id}", agent_thread),
              Route("/memory/{memory_id}/restore", restore, methods=["POST"]),
              Route("/undo", undo, methods=["POST"]),
              Route("/memory/{memory_id}/release", release, methods=["POST"]),
              Route("/memory/{memory_id}/confirm", confirm, methods=["POST"]),
              Mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")]
    app = Starlette(routes=routes)
    if token is not None:
        app.add_middleware(_AccessToken, token=token)
    return app


class _Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class _AccessToken:
    """Every request carries the token: ``?token=`` (then remembered in a cookie)."""

    def __init__(self, app: Any, token: str):
        self.app, self.token = app, token

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from starlette.requests import Request
        from starlette.responses import PlainTextResponse

        request = Request(scope)
        given = request.query_params.get("token") or request.cookies.get(_ACCESS) or ""
        if not hmac.compare_digest(given, self.token):
            await PlainTextResponse("an access token is required: open the address "
                                    "`agentmem ui` printed (it ends in ?token=...)",
                                    status_code=401)(scope, receive, send)
            return

        async def remember(message: dict) -> None:
            if message["type"] == "http.response.start" and "token" in request.query_params:
                headers = list(message.get("headers", []))
                headers.append((b"set-cookie", f"{_ACCESS}={self.token}; HttpOnly; "
                                "SameSite=Strict; Path=/".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, remember)


def _named(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(((k, n) for k, n in counts.items() if k != "None"), key=lambda x: -x[1])


def _scope(params: Any) -> dict[str, str]:
    return {f: params[k] for k, f in (("user", "user_id"), ("agent", "agent_id"),
                                      ("session", "session_id")) if params.get(k)}


def _checkpoints(memory: Memory, threads: str | Path | None) -> Any:
    """The Agent's checkpointer to read threads from, or None (no Agent has run here: a
    SQLite file that does not exist is not created)."""
    from agentmem.agent import default_checkpoints, open_checkpointer
    from agentmem.store.postgres import is_database_url

    location = default_checkpoints(memory) if threads == "auto" else threads
    if location is None or not (is_database_url(str(location)) or Path(location).exists()):
        return None
    return open_checkpointer(location)[0]


def _query(scope: dict[str, str]) -> dict[str, str]:
    """A scope as the query parameters the pages take."""
    return {f.removesuffix("_id"): v for f, v in scope.items()}


_POSITIONS: dict[Any, dict] = {}  # the layout of a graph shape, reused until the notes change


def _positions(g: Any) -> dict:
    """Spring-layout positions (the slow part of the page), cached by the graph's shape."""
    import networkx as nx

    key = (tuple(sorted(g.nodes)), tuple(sorted(g.edges)))
    if key not in _POSITIONS:
        if len(_POSITIONS) >= 32:
            _POSITIONS.pop(next(iter(_POSITIONS)))
        _POSITIONS[key] = (nx.spring_layout(g, seed=0) if g.number_of_nodes() > 1
                           else {n: (0.0, 0.0) for n in g.nodes})
    return _POSITIONS[key]


def _layout(g: Any, size: float = 1000.0) -> dict[str, Any]:
    """Positions for the note graph's SVG: nodes (id, x, y, text) and edges with reasons."""
    if g.number_of_nodes() == 0:
        return {"nodes": [], "edges": [], "size": size}
    pos = _positions(g)

    def xy(p: Any) -> tuple[float, float]:
        return (round((p[0] + 1.1) / 2.2 * size, 1), round((p[1] + 1.1) / 2.2 * size, 1))

    nodes = [{"id": n, "x": xy(pos[n])[0], "y": xy(pos[n])[1],
              "text": g.nodes[n].get("content", ""),
              "label": g.nodes[n].get("content", "")[:28]} for n in g.nodes]
    edges = [{"a": xy(pos[a]), "b": xy(pos[b]), "reason": d.get("reason", ""), "from": a,
              "to": b} for a, b, d in g.edges(data=True)]
    return {"nodes": nodes, "edges": edges, "size": size}


def _indented(nodes: list) -> list[tuple[int, Any]]:
    """Task steps with their depth, each under its parent, in creation order."""
    children: dict[str | None, list] = {}
    for n in nodes:
        children.setdefault(n.parents[0] if n.parents else None, []).append(n)
    out: list[tuple[int, Any]] = []

    def walk(parent: str | None, depth: int) -> None:
        for n in children.get(parent, []):
            out.append((depth, n))
            walk(n.id, depth + 1)

    walk(None, 0)
    return out


def _int(value: Any, default: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _history(memory: Memory, memory_id: str) -> list:
    try:
        return memory.history(memory_id)
    except AgentMemError:
        return []


def _diff(entry: Any) -> list[tuple[str, str]]:
    """(kind, text) word runs between a version and the one before: same, added, removed."""
    before = entry.before.content.split() if entry.before else []
    after = entry.after.content.split() if entry.after else []
    out = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=before, b=after).get_opcodes():
        if op == "equal":
            out.append(("same", " ".join(before[a1:a2])))
            continue
        if a2 > a1:
            out.append(("removed", " ".join(before[a1:a2])))
        if b2 > b1:
            out.append(("added", " ".join(after[b1:b2])))
    return out
