"""The ``agentmem`` command line (typer + rich)."""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from agentmem.cli.display import shown
from agentmem.errors import (
    AgentMemError,
    InvalidScopeError,
    LLMError,
    MemoryNotFound,
    MissingDependencyError,
    StoreError,
)

app = typer.Typer(help="agentmem: pluggable, reflective memory for LLM agents.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
out = Console()
err = Console(stderr=True)

Home = Annotated[Optional[str], typer.Option(
    "--home", envvar="AGENTMEM_HOME",
    help="store directory, or a postgresql:// URL (default: $AGENTMEM_DATABASE_URL when set, "
    "else ./.agentmem)")]
User = Annotated[Optional[str], typer.Option("--user", "-u", help="user_id scope")]
Agent = Annotated[Optional[str], typer.Option("--agent", "-a", help="agent_id scope")]
Session = Annotated[Optional[str], typer.Option("--session", "-s", help="session_id scope")]
EmbedderOpt = Annotated[Optional[str], typer.Option(
    "--embedder", envvar="AGENTMEM_EMBEDDER",
    help="minilm, hash or openai (default: what the home was built with, else minilm)")]
ChromaHost = Annotated[Optional[str], typer.Option("--chroma-host", envvar="AGENTMEM_CHROMA_HOST",
                                                   help="use a chroma server at this host")]
ChromaPort = Annotated[int, typer.Option("--chroma-port", envvar="AGENTMEM_CHROMA_PORT",
                                         help="port of the chroma server")]
AsJson = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]
# Commands whose output is JSON anyway take --json too, so scripts can pass it everywhere.
JsonAnyway = Annotated[bool, typer.Option("--json", help="accepted for uniformity: this "
                                          "command always prints JSON")]


#: Exit status by kind of error (scripts can tell them apart); any other agentmem error,
#: like a usage error, exits with 2. Listed in `agentmem --help`.
EXIT_CODES: tuple[tuple[type[AgentMemError], int], ...] = (
    (MemoryNotFound, 3), (StoreError, 4), (LLMError, 5), (MissingDependencyError, 6))


def exit_code(exc: AgentMemError) -> int:
    return next((code for kind, code in EXIT_CODES if isinstance(exc, kind)), 2)


def command(name: str | None = None):
    """Register a command whose agentmem errors print as one line (never wrapped, also
    when piped) and exit with the status of :data:`EXIT_CODES`."""

    def deco(fn):
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except AgentMemError as exc:
                err.print("[red]error:[/red]", shown(exc), highlight=False, soft_wrap=True)
                raise typer.Exit(exit_code(exc)) from None

        return app.command(name)(run)

    return deco


def _version(value: bool) -> None:
    if value:
        from agentmem import __version__

        out.print(f"agentmem {__version__}")
        raise typer.Exit()


@app.callback(epilog="Exit status: 0 ok, 2 bad input or usage, 3 not found, 4 store problem "
              "(locked, damaged, no permission), 5 model error, 6 missing optional package.")
def _main(version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="print the version and exit")] = False
          ) -> None:
    """agentmem: pluggable, reflective memory for LLM agents."""


def _open(home: str | None, embedder: str | None, chroma_host: str | None = None,
          chroma_port: int = 8000, *, create: bool = False):
    """Open the home (a directory or a Postgres URL); only commands that write
    (``create``) may make a new one, so a mistyped --home is an error instead of an empty
    store."""
    from agentmem.config import default_home
    from agentmem.errors import InvalidArgumentError
    from agentmem.memory import Memory
    from agentmem.store.home import stored_embedder
    from agentmem.store.postgres import is_database_url
    from agentmem.store.postgres import stored_embedder as stored_in_database

    url = home if is_database_url(home) else (
        os.environ.get("AGENTMEM_DATABASE_URL") or None if home is None else None)
    kwargs: dict[str, Any] = {}
    if url is not None:
        spec = stored_in_database(url)
        missing = spec is None
        where = "in that database: check --home / AGENTMEM_DATABASE_URL"
        kwargs["store"] = url
    else:
        path = Path(home) if home is not None else default_home()
        missing = not path.exists()
        spec = None if missing else stored_embedder(path)
        where = f"at {path}: check --home / AGENTMEM_HOME (a typo?)"
        if home is not None:
            kwargs["home"] = str(home)
    if missing and not create:
        raise InvalidArgumentError(
            f"there is no agentmem home {where}. Commands that write (add, import, ingest, "
            "note, chat, mcp, migrate) create one")
    # The store remembers its embedder: no need to repeat it.
    kwargs["embedder"] = embedder or _embedder_of(spec)
    if chroma_host:
        kwargs["vector_store"] = {"host": chroma_host, "port": chroma_port}
    return Memory(**kwargs)


def _embedder_of(spec: dict[str, Any] | None) -> Any:
    from agentmem.config import EmbedderConfig

    if not spec:
        return "minilm"
    return EmbedderConfig(**{k: v for k, v in spec.items()
                             if k != "dim" or spec.get("provider") != "minilm"})


def _table(title: str, columns: tuple[str, ...], rows: list[list[Any]]) -> Table:
    """A table of stored values: every cell and the title are shown as plain text."""
    table = Table(title=shown(title), show_lines=False)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*(shown(cell) for cell in row))
    return table


def _records_table(records: list, title: str, extra: dict[str, list] | None = None) -> Table:
    rows = [[r.id, r.kind.value, " ".join(f"{k[0]}={v}" for k, v in r.scope.items()),
             r.version, r.content, *(v[i] for v in (extra or {}).values())]
            for i, r in enumerate(records)]
    return _table(title, ("id", "kind", "scope", "v", "content", *(extra or {})), rows)


def _dump(obj: Any) -> None:
    out.print_json(json.dumps(obj, default=str))


@command()
def add(content: Annotated[str, typer.Argument(help="text to remember ('-' reads stdin)")],
        home: Home = None, user: User = None, agent: Agent = None, session: Session = None,
        kind: Annotated[str, typer.Option(help="fact, note, lesson, ...")] = "fact",
        embedder: EmbedderOpt = None,
        chroma_host: ChromaHost = None, chroma_port: ChromaPort = 8000,
        as_json: AsJson = False) -> None:
    """Store a memory as it is (no LLM)."""
    if content == "-":
        content = sys.stdin.buffer.read()  # bytes: invalid UTF-8 is reported, not mangled
    with _open(home, embedder, chroma_host, chroma_port, create=True) as m:
        rec = m.add(content, user_id=user, agent_id=agent, session_id=session, kind=kind)
    if as_json:
        _dump(rec.model_dump(mode="json"))
    else:
        out.print("[green]added[/green]", shown(rec.id))


@command()
def search(query: str, home: Home = None, user: User = None, agent: Agent = None,
           session: Session = None,
           k: Annotated[int, typer.Option("-k", help="how many hits to show")] = 10,
           kind: Annotated[Optional[list[str]], typer.Option(help="filter by kind")] = None,
           since: Annotated[Optional[str], typer.Option(help="ISO time lower bound")] = None,
           until: Annotated[Optional[str], typer.Option(help="ISO time upper bound")] = None,
           embedder: EmbedderOpt = None, chroma_host: ChromaHost = None,
           chroma_port: ChromaPort = 8000, as_json: AsJson = False) -> None:
    """Hybrid (vector + BM25) search within a scope."""
    with _open(home, embedder, chroma_host, chroma_port) as m:
        hits = m.search(query, k=k, user_id=user, agent_id=agent, session_id=session,
                        kinds=kind, since=since, until=until)
    if as_json:
        _dump([h.model_dump(mode="json") for h in hits])
    else:
        out.print(_records_table([h.record for h in hits], f"{len(hits)} hits for {query!r}",
                                 {"score": [f"{h.score:.4f}" for h in hits]}))


@command("list")
def list_(home: Home = None, user: User = None, agent: Agent = None, session: Session = None,
          limit: Annotated[int, typer.Option(help="how many memories to show")] = 50,
          offset: Annotated[int, typer.Option(help="skip this many first")] = 0,
          embedder: EmbedderOpt = None,
          chroma_host: ChromaHost = None, chroma_port: ChromaPort = 8000,
          as_json: AsJson = False) -> None:
    """List stored memories (all scopes unless one is given)."""
    with _open(home, embedder, chroma_host, chroma_port) as m:
        records = m.list(user_id=user, agent_id=agent, session_id=session, limit=limit,
                         offset=offset)
    if as_json:
        _dump([r.model_dump(mode="json") for r in records])
    else:
        out.print(_records_table(records, f"{len(records)} memories"))


@command()
def get(memory_id: str, home: Home = None, embedder: EmbedderOpt = None,
        chroma_host: ChromaHost = None, chroma_port: ChromaPort = 8000,
        as_json: JsonAnyway = True) -> None:
    """Show one memory as JSON."""
    with _open(home, embedder, chroma_host, chroma_port) as m:
        _dump(m.get(memory_id).model_dump(mode="json"))


@command()
def history(memory_id: str, home: Home = None, embedder: EmbedderOpt = None,
            chroma_host: ChromaHost = None, chroma_port: ChromaPort = 8000,
            as_json: AsJson = False) -> None:
    """Every change to a memory, oldest first."""
    with _open(home, embedder, chroma_host, chroma_port) as m:
        entries = m.history(memory_id)
    if as_json:
        _dump([e.model_dump(mode="json") for e in entries])
        return
    out.print(_table(f"history of {memory_id}",
                     ("seq", "op", "v", "at", "actor", "reason", "content after"),
                     [[e.seq, e.op, e.version, e.at.isoformat(timespec="seconds"), e.actor or "",
                       e.reason, e.after.content if e.after else "(deleted)"] for e in entries]))


@command()
def delete(memory_id: str, home: Home = None, embedder: EmbedderOpt = None,
           chroma_host: ChromaHost = None, chroma_port: ChromaPort = 8000,
           reason: Annotated[str, typer.Option(help="kept in the history")] = "deleted from the CLI",
           as_json: AsJson = False) -> None:
    """Delete a memory (recoverable with `restore`)."""
    with _open(home, embedder, chroma_host, chroma_port) as m:
        gone = m.delete(memory_id, reason=reason, actor="cli")
    if as_json:
        _dump(gone.model_dump(mode="json"))
        return
    out.print("[yellow]deleted[/yellow]", shown(f"{memory_id} (restore with: agentmem restore "
                                                f"{memory_id})"))


@command()
def restore(memory_id: str, version: Annotated[Optional[int], typer.Option(
        help="version to bring back (default: the last one)")] = None, home: Home = None,
        embedder: EmbedderOpt = None,
        chroma_host: ChromaHost = None, chroma_port: ChromaPort = 8000,
        as_json: AsJson = False) -> None:
    """Bring a memory back to an earlier version (also after deletion)."""
    with _open(home, embedder, chroma_host, chroma_port) as m:
        rec = m.restore(memory_id, version, actor="cli")
    if as_json:
        _dump(rec.model_dump(mode="json"))
        return
    out.print("[green]restored[/green]", shown(f"{rec.id} as version {rec.version}: {rec.content}"))


@command()
def export(dest: Annotated[Path, typer.Argument(help="JSONL file to write ('-' for stdout)")],
           home: Home = None, user: User = None, agent: Agent = None, session: Session = None,
           embedder: EmbedderOpt = None,
           chroma_host: ChromaHost = None, chroma_port: ChromaPort = 8000,
           as_json: Annotated[bool, typer.Option(
               "--json", help="report {\"exported\": N} as JSON on stderr")] = False) -> None:
    """Export memories as JSON lines."""
    with _open(home, embedder, chroma_host, chroma_port) as m:
        n = m.export_jsonl(sys.stdout if str(dest) == "-" else dest, user_id=user,
                           agent_id=agent, session_id=session)
    # The records may be on stdout ('-'), so the report always goes to stderr.
    err.print(json.dumps({"exported": n}) if as_json else f"exported {n} memories",
              highlight=False, soft_wrap=True)


@command("import")
def import_(src: Annotated[Path, typer.Argument(help="JSONL file from `agentmem export`")],
            home: Home = None, embedder: EmbedderOpt = None,
            chroma_host: ChromaHost = None, chroma_port: ChromaPort = 8000,
            on_conflict: Annotated[str, typer.Option(help="error, skip or replace")] = "error",
            as_json: AsJson = False) -> None:
    """Import memories exported earlier (ids and timestamps kept; all or nothing)."""
    if on_conflict not in ("error", "skip", "replace"):
        raise typer.BadParameter("--on-conflict must be error, skip or replace")
    with _open(home, embedder, chroma_host, chroma_port, create=True) as m:
        n = m.import_jsonl(src, on_conflict=on_conflict, actor="cli")  # type: ignore[arg-type]
    if as_json:
        _dump({"imported": n})
        return
    out.print(f"[green]imported[/green] {n} memories")


@command()
def stats(home: Home = None, embedder: EmbedderOpt = None,
          chroma_host: ChromaHost = None, chroma_port: ChromaPort = 8000,
          as_json: JsonAnyway = True) -> None:
    """Counts by kind and user, history size, index health."""
    with _open(home, embedder, chroma_host, chroma_port) as m:
        _dump(m.stats())


@command()
def verify(home: Home = None, embedder: EmbedderOpt = None,
           chroma_host: ChromaHost = None, chroma_port: ChromaPort = 8000,
           repair: Annotated[bool, typer.Option(help="fix what is found")] = False,
           as_json: JsonAnyway = True) -> None:
    """Check that the vector index matches the records (and repair it)."""
    with _open(home, embedder, chroma_host, chroma_port) as m:
        report = m.verify(repair=repair)
    _dump({k: len(v) for k, v in report.items()} | {"repaired": repair})


@command()
def migrate(source: Annotated[str, typer.Option(
                "--from", help="the store to copy: a home directory or a postgresql:// URL")],
            target: Annotated[str, typer.Option(
                "--to", help="an empty home directory or database to copy it into")],
            as_json: AsJson = False) -> None:
    """Copy a whole store to another backend (SQLite home <-> Postgres): ids, versions,
    times, vectors and the full history unchanged; checked by comparing both exports."""
    import io

    with _open(source, None) as src:
        with _open_like(target, src) as dst:
            report = src.copy_to(dst)
            exports = []
            for m in (src, dst):
                buf = io.StringIO()
                m.export_jsonl(buf)
                exports.append((buf.getvalue(), m.stats()["history_entries"]))
    report["exports_identical"] = exports[0] == exports[1]
    if not report["exports_identical"]:
        raise StoreError("the copy differs from the source (export or history); the target "
                         "may hold part of it: delete it before trying again")
    if as_json:
        _dump(report)
        return
    out.print(f"[green]migrated[/green] {report['records']} memories, "
              f"{report['history_entries']} history entries, {report['vectors']} vectors; "
              "the exports of both stores are identical")


def _open_like(target: str, source: Any):
    """Open (creating) ``target`` with the embedder ``source`` was built with."""
    from agentmem.memory import Memory
    from agentmem.store.postgres import is_database_url

    where = {"store": target} if is_database_url(target) else {"home": target}
    return Memory(embedder=source.embedder, **where)


@command()
def ui(home: Home = None, embedder: EmbedderOpt = None,
       chroma_host: ChromaHost = None, chroma_port: ChromaPort = 8000,
       host: Annotated[str, typer.Option(help="interface to listen on; anything but "
                                         "loopback requires an access token")] = "127.0.0.1",
       port: Annotated[int, typer.Option(help="port to listen on")] = 8765,
       read_only: Annotated[bool, typer.Option("--read-only",
                                               help="refuse restore, undo and release")] = False,
       token: Annotated[Optional[str], typer.Option(
           envvar="AGENTMEM_UI_TOKEN", help="access token (made up when listening beyond "
           "loopback and none is given)")] = None) -> None:
    """Open the memory inspector in the browser: scopes, memories by layer, search with
    scores, each memory's history with restore and undo, the guard's quarantine."""
    import secrets

    import uvicorn

    from agentmem.ui import create_app

    if host not in ("127.0.0.1", "localhost", "::1") and not token:
        token = secrets.token_urlsafe(18)
    with _open(home, embedder, chroma_host, chroma_port) as m:
        app = create_app(m, read_only=read_only, token=token)
        shown_host = f"[{host}]" if ":" in host else host
        err.print(f"agentmem inspector on http://{shown_host}:{port}/"
                  + (f"?token={token}" if token else "")
                  + ("  (read-only)" if read_only else "") + "  (Ctrl-C stops it)",
                  soft_wrap=True, highlight=False)
        uvicorn.run(app, host=host, port=port, log_level="warning")


@command("serve-llm")
def serve_llm(llm: Annotated[str, typer.Option(help="backend spec, e.g. local")] = "local",
              host: Annotated[str, typer.Option(
                  help="address to listen on; any but a loopback one exposes the model")
              ] = "127.0.0.1",
              port: Annotated[int, typer.Option(help="port to listen on")] = 8765,
              adapter: Annotated[Optional[Path], typer.Option(help="LoRA adapter dir")] = None,
              embedder: Annotated[Optional[str], typer.Option(
                  help="also serve /v1/embeddings with this embedder (minilm, hash)")] = None,
              api_key: Annotated[Optional[str], typer.Option(
                  envvar="AGENTMEM_API_KEY", show_default=False,
                  help="require this key (Authorization: Bearer KEY or x-api-key: KEY)")] = None,
              timeout: Annotated[float, typer.Option(
                  min=0.001, help="seconds a request may take, its wait in line included")] = 600.0,
              max_queue: Annotated[int, typer.Option(
                  min=0, help="requests that may wait for the model; more get 503")] = 16,
              workers: Annotated[int, typer.Option(
                  min=1, help="replies generated at once (keep 1 for the local model)")] = 1,
              ) -> None:
    """Serve a backend over OpenAI- and Anthropic-compatible HTTP."""
    from agentmem.embeddings import make_embedder
    from agentmem.llm import get_llm
    from agentmem.llm.server import require_server_packages, serve

    require_server_packages()  # before the model loads
    kwargs = {"adapter": adapter} if adapter else {}
    backend = get_llm(llm, **kwargs)
    emb = make_embedder(embedder) if embedder else None
    err.print(f"serving {backend.name} at http://{host}:{port}/v1 (Ctrl-C stops)")
    serve(backend, host, port, emb, api_key=api_key, timeout=timeout, max_queue=max_queue,
          workers=workers)


LLMOpt = Annotated[str, typer.Option("--llm", envvar="AGENTMEM_LLM",
                                      help="local, openai:MODEL, anthropic:MODEL")]


def _policy(role: str, llm: Any, **kwargs: Any):
    from agentmem._plugins import default_policy

    return default_policy(role, llm, **kwargs)


@command()
def ingest(path: Annotated[Path, typer.Argument(help="LoCoMo .json or a .jsonl of messages")],
           home: Home = None, user: User = None, agent: Agent = None,
           embedder: EmbedderOpt = None, chroma_host: ChromaHost = None,
           chroma_port: ChromaPort = 8000, llm: LLMOpt = "local",
           raw: Annotated[bool, typer.Option(help="store turns as they are, no LLM")] = False,
           batch: Annotated[int, typer.Option(help="turns per manager call")] = 1,
           limit: Annotated[Optional[int], typer.Option(help="only the first N turns")] = None,
           manager: Annotated[str, typer.Option(
               help="how facts are derived: auto (the default manager for --llm), statements "
                    "(every statement, no model), extractive (the model picks sentences), "
                    "generative (the model writes facts)")] = "auto",
           as_json: JsonAnyway = True) -> None:
    """Store a conversation's turns verbatim, then derive facts with the memory manager
    (--raw: turns only, no facts)."""
    import statistics

    from agentmem.conversations import first_turns, read_conversation
    from agentmem.errors import InvalidArgumentError
    from agentmem.ingest import ingest_sessions
    from agentmem.protocols import MANAGER_MODES

    if user is None and agent is None:  # before the model loads
        raise InvalidArgumentError("say whose conversation this is: --user NAME (or --agent "
                                   "NAME); nothing was stored")
    if manager not in MANAGER_MODES:
        raise InvalidArgumentError(f"--manager {manager!r}: choose {', '.join(MANAGER_MODES)}; "
                                   "nothing was stored")
    sessions = first_turns(read_conversation(path), limit)
    if raw:
        policy = None
    elif manager == "statements":  # no model to load
        policy = _policy("manager", None, mode="statements")
    else:  # auto loads no model when it picks statements (the embedded model's default)
        policy = _policy("manager", llm, **({} if manager == "auto" else {"mode": manager}))
    with _open(home, embedder, chroma_host, chroma_port, create=True) as m:
        report = ingest_sessions(m, sessions, manager=policy, batch_size=batch, progress=True,
                                 conversation=path.stem, user_id=user, agent_id=agent)
    lat = sorted(report.seconds_per_batch)
    _dump({"turns": report.turns, "stored_turns": report.stored_turns,
           "empty_turns": report.empty_turns, "llm_calls": report.usage.calls,
           "calls_per_turn": round(report.calls_per_turn, 3), "ops": dict(report.ops),
           "rejected_ops": len(report.rejected), "failed_batches": report.failures,
           "prompt_tokens": report.usage.prompt_tokens,
           "completion_tokens": report.usage.completion_tokens,
           "p50_s_per_batch": round(statistics.median(lat), 3) if lat else None})


@command()
def ask(question: str, home: Home = None, user: User = None, agent: Agent = None,
        embedder: EmbedderOpt = None,
        chroma_host: ChromaHost = None, chroma_port: ChromaPort = 8000, llm: LLMOpt = "local",
        k: Annotated[int, typer.Option(
            "-k", help="top memories that bring their neighbouring turns (as the Agent)")] = 3,
        as_json: AsJson = False) -> None:
    """Answer a question from memory, citing the memories used (read as the Agent reads:
    agentmem.recall.recall within 500 tokens)."""
    from agentmem.llm import get_llm
    from agentmem.recall import recall

    answerer = _policy("answerer", get_llm(llm))
    with _open(home, embedder, chroma_host, chroma_port) as m:
        hits = recall(m, question, k=k, user_id=user, agent_id=agent)
        ans = answerer.answer(question, [h.record for h in hits])
        cited = [h.record for h in hits if h.id in ans.cited_ids]
    if as_json:
        _dump({"answer": ans.text, "cited": [r.model_dump(mode="json") for r in cited],
               "shown": [h.id for h in hits]})
        return
    out.print(shown(ans.text, "bold"))
    for r in cited:
        out.print(shown(f"  {r.id}", "dim"), shown(r.content))


@command()
def chat(home: Home = None, user: User = None, embedder: EmbedderOpt = None,
         chroma_host: ChromaHost = None, chroma_port: ChromaPort = 8000,
         llm: LLMOpt = "local", thread: str = "default",
         show: Annotated[bool, typer.Option(help="show retrieved memories and ops")] = False
         ) -> None:
    """Chat with an agent that remembers (an empty line or Ctrl-D ends)."""
    from agentmem.agent import Agent as AgentRuntime

    with _open(home, embedder, chroma_host, chroma_port, create=True) as m:
        cursor = m.history_cursor()
        with AgentRuntime(llm, memory=m, user_id=user or "default") as bot:
            while True:
                try:
                    line = input("you> ")
                except EOFError:
                    break
                if not line.strip():
                    break
                res = bot.chat(line, thread_id=thread)
                out.print("[bold]agent>[/bold]", shown(res.answer))
                if show:
                    bot.flush()
                    for rid in res.retrieved_ids:
                        mark = "*" if rid in res.cited_ids else " "
                        said = m.get(rid).content if _exists(m, rid) else "?"
                        out.print(shown(f"  {mark} recalled {rid}: {said}", "dim"))
                    changes, cursor = m.history_since(cursor)
                    for e in changes:
                        out.print(shown(f"  {e.op}", "cyan"),
                                  shown(f"{e.memory_id}: {(e.after or e.before).content}"))
            errors = bot.flush()
        for e in errors:
            err.print("[yellow]memory write failed:[/yellow]", shown(e))


@command()
def note(content: Annotated[str, typer.Argument(help="the note's text")], home: Home = None,
         user: User = None, agent: Agent = None,
         llm: Annotated[Optional[str], typer.Option(
             help="model that fills attributes and picks links (default: none, by similarity)")
         ] = None, embedder: EmbedderOpt = None,
         chroma_host: ChromaHost = None, chroma_port: ChromaPort = 8000,
         as_json: AsJson = False) -> None:
    """Add a linked note (Zettelkasten): attributes, links to related notes, evolution."""
    from agentmem.structures.notes import LinkedNotes

    with _open(home, embedder, chroma_host, chroma_port, create=True) as m:
        res = LinkedNotes(m, llm, user_id=user, agent_id=agent).add(content)
    if as_json:
        _dump({"note": res.note.model_dump(mode="json"), "links": res.links,
               "evolved": [r.id for r in res.evolved], "batch": res.batch})
        return
    out.print("[green]added note[/green]", shown(f"{res.note.id} (batch {res.batch})"))
    for link in res.links:
        out.print(shown(f"  -> {link['to']}: {link['reason']}"))
    for r in res.evolved:
        out.print(shown(f"  evolved {r.id}: {r.metadata.get('context', '')}"))


@command()
def graph(dest: Annotated[Path, typer.Argument(
              help="file to write: .json, .graphml, .png or .html")],
          home: Home = None, user: User = None, agent: Agent = None,
          fmt: Annotated[Optional[str], typer.Option(
              "--format", help="json, graphml, png or html (default: from the suffix)")] = None,
          embedder: EmbedderOpt = None,
          chroma_host: ChromaHost = None, chroma_port: ChromaPort = 8000,
          as_json: AsJson = False) -> None:
    """Export a scope's linked-note graph (JSON, GraphML) or draw it (PNG, HTML page)."""
    from agentmem.structures.notes import LinkedNotes, export_graph

    with _open(home, embedder, chroma_host, chroma_port) as m:
        g = LinkedNotes(m, user_id=user, agent_id=agent).graph()
    export_graph(g, dest, fmt, title=f"memory graph of {user or agent}: "
                 f"{g.number_of_nodes()} notes, {g.number_of_edges()} links")
    if as_json:
        _dump({"path": str(dest), "notes": g.number_of_nodes(), "links": g.number_of_edges()})
        return
    out.print("[green]wrote[/green]", shown(f"{dest} ({g.number_of_nodes()} notes, "
                                         f"{g.number_of_edges()} links)"))


@command()
def tasks(home: Home = None, user: User = None, agent: Agent = None,
          task: Annotated[Optional[str], typer.Option(help="show this task's tree")] = None,
          budget: Annotated[int, typer.Option(help="token budget of the shown prompt")] = 512,
          embedder: EmbedderOpt = None,
          chroma_host: ChromaHost = None, chroma_port: ChromaPort = 8000,
          as_json: AsJson = False) -> None:
    """List task trees, or show one (--task ID) as the prompt a policy would see."""
    from agentmem.structures.tasks import TaskTree

    with _open(home, embedder, chroma_host, chroma_port) as m:
        if task:
            tree = TaskTree.load(m, task, user_id=user, agent_id=agent)
            if as_json:
                _dump(tree.to_dict())
            else:
                out.print(shown(tree.prompt(budget)))
            return
        roots = TaskTree.tasks(m, user_id=user, agent_id=agent)
    if as_json:
        _dump([r.model_dump(mode="json") for r in roots])
        return
    out.print(_table(f"{len(roots)} tasks", ("task", "goal", "status", "started"),
                     [[r.task, r.goal, r.status, r.started_at or ""] for r in roots]))


@command()
def lessons(home: Home = None, user: User = None, agent: Agent = None,
            embedder: EmbedderOpt = None,
            chroma_host: ChromaHost = None, chroma_port: ChromaPort = 8000,
            as_json: AsJson = False) -> None:
    """List stored lessons with their usage statistics."""
    from agentmem.structures.lessons import LessonStore

    with _open(home, embedder, chroma_host, chroma_port) as m:
        items = LessonStore(m, user_id=user, agent_id=agent).lessons()
    if as_json:
        _dump([x.model_dump(mode="json") for x in items])
        return
    out.print(_table(f"{len(items)} lessons",
                     ("id", "polarity", "title", "content", "used", "ok/fail", "demoted"),
                     [[x.id, x.polarity, x.title, x.content, x.retrieved,
                       f"{x.successes_after_use}/{x.failures_after_use}", x.demoted]
                      for x in items]))


def _exists(m, rid: str) -> bool:
    from agentmem.errors import MemoryNotFound

    try:
        m.get(rid)
        return True
    except MemoryNotFound:
        return False


@command()
def quarantine(home: Home = None, user: User = None, embedder: EmbedderOpt = None,
               chroma_host: ChromaHost = None, chroma_port: ChromaPort = 8000,
               as_json: AsJson = False) -> None:
    """List memories the guard quarantined or flagged (release them with `release`)."""
    with _open(home, embedder, chroma_host, chroma_port) as m:
        records = m.quarantined(user_id=user, limit=100_000)
    if as_json:
        _dump([r.model_dump(mode="json") for r in records])
        return
    why = [r.metadata.get("guard_reason") or "; ".join(r.metadata.get("guard_flag", []))
           for r in records]
    out.print(_records_table(records, f"{len(records)} quarantined or flagged", {"why": why}))


@command()
def release(memory_id: str, home: Home = None, embedder: EmbedderOpt = None,
            chroma_host: ChromaHost = None, chroma_port: ChromaPort = 8000,
            trust: Annotated[float, typer.Option(help="trust to give it, 0..1")] = 1.0,
            as_json: AsJson = False) -> None:
    """Lift the guard's quarantine or flag from a memory (history keeps both)."""
    from agentmem.guard import ConsensusGuard

    with _open(home, embedder, chroma_host, chroma_port) as m:
        rec = ConsensusGuard(m).release(memory_id, trust=trust, reason="released from the CLI")
    if as_json:
        _dump(rec.model_dump(mode="json"))
        return
    out.print("[green]released[/green]", shown(f"{rec.id} (trust {rec.trust})"))


@command("mcp")
def mcp_(home: Home = None,
         user: Annotated[Optional[str], typer.Option(
             "--user", "-u", help="the one user this server serves (required)")] = None,
         agent: Agent = None, session: Session = None, embedder: EmbedderOpt = None,
         chroma_host: ChromaHost = None, chroma_port: ChromaPort = 8000) -> None:
    """Serve search/add/update/delete/history over MCP on stdio for exactly one user
    (--user, optionally narrowed by --agent/--session); run one server per user.
    Tools take no scope argument. Threat model: docs/security.md."""
    from agentmem.integrations.mcp_server import build_mcp_server

    if not user:  # checked before the store opens: without a user the server would serve all
        raise InvalidScopeError("agentmem mcp serves exactly one user: pass --user USER_ID "
                                "(one server per user; see docs/security.md)")
    with _open(home, embedder, chroma_host, chroma_port, create=True) as m:
        build_mcp_server(m, user_id=user, agent_id=agent, session_id=session).run("stdio")


def _plugins() -> None:
    """Command groups other packages register (entry-point group ``agentmem.cli``); this
    distribution registers ``eval`` from ``training`` (agentmem itself never imports it)."""
    from importlib.metadata import entry_points

    for ep in entry_points(group="agentmem.cli"):
        try:
            sub = ep.load()
        except ImportError as exc:  # a plugin with missing extras must not break the CLI
            err.print("[yellow]note:[/yellow]", shown(f"`agentmem {ep.name}` is unavailable: {exc}"))
            continue
        app.add_typer(sub, name=ep.name)


def main() -> None:
    _plugins()
    app()
