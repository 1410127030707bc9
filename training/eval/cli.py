"""``agentmem eval`` / ``python -m training.eval``: side-by-side evaluations.

    agentmem eval qa ../shared/data/locomo/30.json --systems none,rag,oracle --questions 20
    agentmem eval household --episodes 10 --actor scripted
    agentmem eval shop --episodes 10 --actor llm --llm openai:gpt-4o-mini
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markdown import Markdown

app = typer.Typer(help="Evaluate systems side by side: memory QA, household, shop.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
console = Console()

Out = Annotated[Path, typer.Option("--out", help="folder for the JSON, markdown and PNG")]
Llm = Annotated[str, typer.Option("--llm", help="local, openai:MODEL, anthropic:MODEL")]


def _list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


@app.command()
def qa(conversations: Annotated[list[Path], typer.Argument(help="LoCoMo .json files")],
       systems: Annotated[str, typer.Option(
           help="comma-separated: none, full, rag, rag-500, agentmem, oracle; the agentmem "
                "ablations (agentmem-episodic, agentmem-no-neighbours, ...); peers mem0, "
                "a-mem when installed")] =
       "none,full,rag,agentmem,oracle",
       llm: Llm = "local",
       embedder: Annotated[str, typer.Option(help="minilm, hash, openai")] = "minilm",  # noqa
       k: int = 5,
       categories: Annotated[str, typer.Option(help="e.g. 1,2,3,4 (5 = adversarial)")] =
       "1,2,3,4",
       questions: Annotated[Optional[int], typer.Option(
           "--questions", "--limit", help="questions per conversation (seeded sample)")] = None,
       turns: Annotated[Optional[int], typer.Option(
           help="agentmem ingests only the first N turns; questions then come from them")]
       = None,
       window_chars: Annotated[int, typer.Option(
           help="the full-context system's budget in characters")] = 20_000,
       keep: Annotated[Optional[Path], typer.Option(
           help="keep each conversation's agentmem and peer memories in this folder; a "
                "later run with the same folder reads them instead of ingesting again, "
                "and a peer's unfinished ingest resumes")] = None,
       answer_adapter: Annotated[Optional[str], typer.Option(
           help="the answer policy every system answers with: a LoRA adapter "
                "(training.sft --policy answer) or a shipped name; 'none' prompts the model "
                "as it is. Default: what Agent() uses (the shipped locomo-answer on the "
                "embedded model)")] = None,
       seed: int = 0, out: Out = Path("eval-out/qa")) -> None:
    """Memory QA: no memory, full context, naive RAG, agentmem, the oracle (and the peers
    Mem0 / A-MEM when installed), side by side."""
    from policies import answerer_for
    from training.eval.qa import run_qa
    from training.eval.report import qa_table, write_qa

    for c in conversations:
        if not c.is_file():
            raise typer.BadParameter(f"{c} is not a file", param_hint="CONVERSATIONS")
    result = run_qa(conversations, systems=_list(systems), llm=llm, embedder=embedder, k=k,
                    categories=[int(c) for c in _list(categories)], questions=questions,
                    turns=turns, seed=seed, window_chars=window_chars, keep=keep,
                    answerer=answerer_for(llm, answer_adapter) if answer_adapter else None)
    result["config"] = {"conversations": [str(c) for c in conversations], "llm": llm,
                        "embedder": embedder, "k": k, "questions": questions, "turns": turns,
                        "seed": seed, "answer_adapter": answer_adapter}
    files = write_qa(result, out, title=f"memory QA on {', '.join(c.stem for c in conversations)}")
    console.print(Markdown(qa_table(result)))
    console.print("wrote " + ", ".join(str(f) for f in files))


Embedder = Annotated[str, typer.Option("--embedder", help="minilm, hash, openai")]
Adapter = Annotated[Optional[str], typer.Option(
    "--adapter", help="a trained actor's LoRA adapter: a directory, or a shipped one's name "
    "(household-actor) (--actor llm, local model)")]


def _env(name: str, episodes: int, variants: str, actor: str, llm: str, instances: str,
         max_steps: Optional[int], split: str, seed: int, out: Path, verbose: bool,
         embedder: str, adapter: Optional[str]) -> None:
    from training.eval.envs_eval import run_env_eval
    from training.eval.report import env_table, write_env

    def show(variant: str, r) -> None:
        if verbose:
            console.print(f"[{variant}] ep {r.episode + 1}: {'WIN ' if r.success else 'fail'} "
                          f"{r.steps:2d} steps  {r.task}")

    result = run_env_eval(name, variants=_list(variants), actor=actor, llm=llm,
                          episodes=episodes, instances=[int(u) for u in _list(instances)],
                          max_steps=max_steps, split=split, seed0=seed, on_episode=show,
                          embedder=embedder, adapter=adapter)
    files = write_env(result, out)
    console.print(Markdown(env_table(result)))
    console.print("wrote " + ", ".join(str(f) for f in files))


@app.command()
def household(episodes: int = 10, variants: str = "none,tasks,lessons,full",
              actor: Annotated[str, typer.Option(help="scripted or llm")] = "scripted",
              llm: Llm = "local",
              homes: Annotated[str, typer.Option(help="persistent home ids")] = "1,2,3",
              max_steps: Optional[int] = None, split: str = "seen", seed: int = 0,
              out: Out = Path("eval-out"), verbose: bool = False,
              embedder: Embedder = "minilm", adapter: Adapter = None) -> None:
    """Household episodes in persistent homes, per memory variant: success, steps, curve."""
    _env("household", episodes, variants, actor, llm, homes, max_steps, split, seed, out,
         verbose, embedder, adapter)


@app.command()
def shop(episodes: int = 10, variants: str = "none,tasks,lessons,full",
         actor: Annotated[str, typer.Option(help="scripted or llm")] = "scripted",
         llm: Llm = "local", shoppers: Annotated[str, typer.Option(
             help="recurring shopper ids")] = "1,2,3",
         max_steps: Optional[int] = None, seed: int = 0, out: Out = Path("eval-out"),
         verbose: bool = False, embedder: Embedder = "minilm", adapter: Adapter = None) -> None:
    """Recurring-shopper episodes per memory variant: success, score, steps, curve."""
    _env("shop", episodes, variants, actor, llm, shoppers, max_steps, "seen", seed, out,
         verbose, embedder, adapter)


@app.command()
def show(path: Annotated[Path, typer.Argument(help="a qa.json / household.json / shop.json")]
         ) -> None:
    """Print the table of an earlier run."""
    from training.eval.report import env_table, qa_table

    data = json.loads(path.read_text())
    console.print(Markdown(qa_table(data) if "systems" in data else env_table(data)))
