"""Reliability: bad input, hostile stored text, scope leaks and SIGKILL, counted.

    python benchmarks/bench_reliability.py              # ~2 min on 2 cores
    python benchmarks/bench_reliability.py --kills 30 --queries 5000

Rows (each a count of what was tried and what went wrong):

* **bad API calls**: the catalogue of ``agentmem.testing.hostile.BAD_CALLS`` (the same
  the tests run): the error must be the project's own, one line, with the expected
  words, and an export before and after must be identical;
* **hostile text on the CLI**: ``HOSTILE`` and seeded random Unicode (controls, markup,
  escapes) stored, then shown by ``list`` / ``search`` / ``history`` / ``quarantine`` /
  ``tasks``: every command must exit 0 and write no terminal control character;
* **scope leaks**: three users' memories in one store; random searches, lists and
  tool calls (``agentmem.tools``, what LangChain and MCP serve) for one user must never
  return, change or name another user's memory;
* **SIGKILL trials**: a writer process adds, updates and deletes, printing each
  acknowledged operation, and is killed at a random moment; on reopening, every
  acknowledged write must be there as acknowledged, and ``verify`` must be clean.

Writes benchmarks/out/bench_reliability.{json,md,png}.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import OUT, machine, save_figure, write_results  # noqa: E402

USERS = ("ana", "bo", "cy")


def _export(m: Any, user: str | None = None) -> str:
    """Everything stored (or one user's part) as export text, to compare before/after."""
    buf = io.StringIO()
    m.export_jsonl(buf, user_id=user)
    return buf.getvalue()


def bad_calls() -> dict[str, Any]:
    from agentmem import Memory
    from agentmem.errors import AgentMemError
    from agentmem.testing import HashEmbedder
    from agentmem.testing.hostile import BAD_CALLS

    failures = []
    for name, (call, words) in BAD_CALLS.items():
        with Memory(home=":memory:", embedder=HashEmbedder()) as m:
            m.add_many(["Ana likes tea", "Bo lives in Porto"], user_id="u")
            before = _export(m)
            try:
                call(m)
                failures.append(f"{name}: accepted")
            except AgentMemError as exc:
                text = str(exc)
                if words not in text or "\n" in text:
                    failures.append(f"{name}: unclear error {text[:120]!r}")
            except Exception as exc:  # noqa: BLE001 - counted, that is the point
                failures.append(f"{name}: raw {type(exc).__name__}: {str(exc)[:120]}")
            if _export(m) != before:
                failures.append(f"{name}: stored data changed")
    return {"tried": len(BAD_CALLS), "failed": len(failures), "failures": failures}


def _random_text(rng: random.Random) -> str:
    pieces = ["[/bold]", "[link=https://x.example]a[/link]", "\x1b[2J", "\x1b]0;t\x07", "\x9b",
              "\u202e", "\r", "\t", "<script>", "]]>", "%s", "{0}", "\\", "'", '"']
    out = []
    for _ in range(rng.randint(1, 8)):
        if rng.random() < 0.5:
            out.append(rng.choice(pieces))
        else:
            out.append("".join(chr(rng.choice([rng.randint(0x20, 0x7e), rng.randint(0, 0x1f),
                                                rng.randint(0x80, 0x9f), rng.randint(0xa0, 0x2fff)]))
                               for _ in range(rng.randint(1, 12))))
    return "x " + "".join(out).replace("\x00", "")


def hostile_cli(samples: int, seed: int) -> dict[str, Any]:
    from typer.testing import CliRunner

    from agentmem import Memory
    from agentmem.cli import app
    from agentmem.structures.tasks import TaskTree
    from agentmem.testing.hostile import HOSTILE, UNSAFE_OUTPUT

    rng = random.Random(seed)
    texts = [HOSTILE] + [_random_text(rng) for _ in range(samples)]
    failures, runs = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        home = str(Path(tmp) / "home")
        with Memory(home=home, embedder="hash") as m:
            ids = [m.add(t, user_id="eve").id for t in texts]
            m.add(HOSTILE, user_id="eve", metadata={"quarantined": True, "guard_reason": HOSTILE})
            TaskTree.open(m, HOSTILE, user_id="eve")
        env = {"AGENTMEM_EMBEDDER": "hash", "COLUMNS": "200"}
        commands = [["list", "--limit", "1000"], ["search", "x", "-u", "eve", "-k", "50"],
                    ["quarantine"], ["tasks", "-u", "eve"],
                    *[["history", i] for i in ids[:20]]]
        for args in commands:
            runs += 1
            r = CliRunner().invoke(app, [*args, "--home", home], env=env)
            if r.exit_code != 0:
                failures.append(f"{args[0]}: exit {r.exit_code}: {r.output[-200:]!r}")
            elif any(c in r.output for c in UNSAFE_OUTPUT):
                failures.append(f"{args[0]}: a control character reached the output")
    return {"texts": len(texts), "tried": runs, "failed": len(failures), "failures": failures}


def scope_leaks(records: int, queries: int, seed: int) -> dict[str, Any]:
    from agentmem import Memory
    from agentmem.errors import AgentMemError
    from agentmem.testing import HashEmbedder
    from agentmem.tools import memory_tools

    rng = random.Random(seed)
    words = "tea harbour dog race job Porto Lisbon nurse beagle garden train book".split()
    leaks, checks = [], 0
    with Memory(home=":memory:", embedder=HashEmbedder()) as m:
        owner = {}
        for user in USERS:
            for rec in m.add_many([" ".join(rng.sample(words, 4)) + f" of {user}"
                                   for _ in range(records)], user_id=user):
                owner[rec.id] = user
        ids = list(owner)
        before = {u: _export(m, u) for u in USERS}
        for _ in range(queries):
            user = rng.choice(USERS)
            query = " ".join(rng.sample(words, 2))
            checks += 1
            if rng.random() < 0.5:
                got = [h.record for h in m.search(query, k=20, user_id=user)]
            else:
                got = m.list(user_id=user, limit=50, offset=rng.randint(0, records))
            leaks += [f"{user} saw {r.id}" for r in got if r.scope.user_id != user]
        for user in USERS:
            tools = {f.__name__: f for f in memory_tools(m, user_id=user)}
            for mid in rng.sample(ids, min(100, len(ids))):
                if owner[mid] == user:
                    continue
                for name, tool, extra in (("update", "update_memory", ("mine now",)),
                                          ("delete", "delete_memory", ()),
                                          ("history", "memory_history", ())):
                    checks += 1
                    try:
                        tools[tool](mid, *extra)
                        leaks.append(f"{user} could {name} {owner[mid]}'s {mid}")
                    except AgentMemError as exc:
                        if owner[mid] in str(exc):
                            leaks.append(f"{user}'s {name} error names {owner[mid]}")
        changed = [u for u in USERS if _export(m, u) != before[u]]
    return {"queries": checks, "leaks": len(leaks), "examples": leaks[:10],
            "scopes_changed": changed}



WRITER = textwrap.dedent("""
    import sys
    from agentmem import Memory
    from agentmem.testing import HashEmbedder
    m = Memory(home=sys.argv[1], embedder=HashEmbedder(), user_id="w")
    i = 0
    while True:
        rec = m.add(f"writer fact {i}")
        print("A", rec.id, rec.content, flush=True)
        if i % 4 == 3:
            m.delete(rec.id)
            print("D", rec.id, "-", flush=True)
        elif i % 4 == 2:
            rec = m.update(rec.id, f"writer fact {i} updated")
            print("U", rec.id, rec.content, flush=True)
        i += 1
""")


def kill_trials(trials: int, seed: int) -> dict[str, Any]:
    from agentmem import Memory
    from agentmem.errors import MemoryNotFound
    from agentmem.testing import HashEmbedder

    rng = random.Random(seed)
    lost, ops, dirty = [], 0, 0
    for trial in range(trials):
        with tempfile.TemporaryDirectory() as tmp:
            home = str(Path(tmp) / "home")
            proc = subprocess.Popen([sys.executable, "-c", WRITER, home], stdout=subprocess.PIPE,
                                    text=True, env={**os.environ, "PYTHONPATH": str(
                                        Path(__file__).resolve().parents[1])})
            acked: dict[str, tuple[str, str]] = {}
            stop_after, start = rng.randint(1, 300), time.time()
            for line in proc.stdout:
                op, mid, content = line.rstrip("\n").split(" ", 2)
                acked[mid] = (op, content)
                ops += 1
                if ops and len(acked) >= stop_after or time.time() - start > 60:
                    break
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            in_flight = list(acked)[-1]  # its next step may have committed unacknowledged
            with Memory(home=home, embedder=HashEmbedder()) as m:
                for mid, (op, content) in acked.items():
                    try:
                        got = m.get(mid).content
                    except MemoryNotFound:
                        got = None
                    if mid == in_flight:
                        continue
                    if (op == "D" and got is not None) or (op != "D" and got != content):
                        lost.append(f"trial {trial}: {mid} acknowledged {op}, found {got!r}")
                report = m.verify()
                dirty += any(report.values())
    return {"trials": trials, "acknowledged_ops": ops, "lost": len(lost),
            "examples": lost[:10], "verify_not_clean": dirty}


def table(result: dict[str, Any]) -> str:
    b, c, s, k = result["bad_calls"], result["cli"], result["scopes"], result["kills"]
    return "\n".join([
        f"Reliability ({result['meta']['wall_s']:.0f} s).", "",
        "| check | tried | went wrong |", "|---|---|---|",
        f"| bad API calls: one clear project error, data unchanged | {b['tried']} | {b['failed']} |",
        f"| hostile stored text shown by the CLI ({c['texts']} texts): exit 0, no control "
        f"character | {c['tried']} commands | {c['failed']} |",
        f"| scoped reads and tool calls across 3 users: another user's memory returned, "
        f"changed or named | {s['queries']} | {s['leaks']} |",
        f"| SIGKILL of a writer: acknowledged writes lost ({k['acknowledged_ops']} ops) | "
        f"{k['trials']} kills | {k['lost']} (verify not clean: {k['verify_not_clean']}) |",
    ])


def plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [("bad API calls", result["bad_calls"]["tried"], result["bad_calls"]["failed"]),
            ("hostile text (CLI)", result["cli"]["tried"], result["cli"]["failed"]),
            ("scoped reads", result["scopes"]["queries"], result["scopes"]["leaks"]),
            ("SIGKILL trials", result["kills"]["trials"], result["kills"]["lost"])]
    fig, ax = plt.subplots(figsize=(8, 3))
    names = [r[0] for r in rows]
    ax.barh(names, [1] * len(rows), color="#dddddd", label="tried")
    ax.barh(names, [r[2] / max(1, r[1]) for r in rows], color="#d62728", label="went wrong")
    for i, (_, tried, bad) in enumerate(rows):
        ax.text(0.5, i, f"{bad} of {tried} went wrong", va="center", ha="center")
    ax.set_xlim(0, 1)
    ax.set_xticks([])
    ax.set_title("agentmem reliability (share that went wrong)")
    save_figure(fig, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=12)
    parser.add_argument("--queries", type=int, default=1500)
    parser.add_argument("--texts", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--name", default="bench_reliability")
    args = parser.parse_args()
    start = time.perf_counter()
    result: dict[str, Any] = {"bad_calls": bad_calls(),
                              "cli": hostile_cli(args.texts, args.seed),
                              "scopes": scope_leaks(50, args.queries, args.seed),
                              "kills": kill_trials(args.kills, args.seed)}
    result["meta"] = {"wall_s": time.perf_counter() - start, "machine": machine(),
                      "seed": args.seed}
    OUT.mkdir(parents=True, exist_ok=True)
    plot(result, OUT / f"{args.name}.png")
    write_results(args.name, result, table(result))


if __name__ == "__main__":
    main()
