"""Linked notes in the Zettelkasten style (as in A-MEM): attributes, links, evolution.

Adding a note:

1. its attributes are filled: keywords, tags and a one-sentence context (by the
   LLM, under a JSON schema so a 135M model always returns the three fields; or,
   without an LLM, keywords from the text);
2. the ``k`` nearest notes of the same scope are retrieved;
3. the LLM decides which of them to link, each link with a reason (without an
   LLM: every neighbour whose cosine similarity passes ``link_threshold``), and may
   rewrite the context/tags of at most ``max_evolve`` linked neighbours
   (memory evolution).

The new note and the neighbours' updates go through :meth:`Memory.apply` as one
batch, so every evolution is an UPDATE in history and ``memory.undo(batch)``
takes the whole add back. Links live in the note's ``metadata["links"]`` as
``{"to": id, "reason": ...}``: they are versioned, exported and restored with the
note. :meth:`LinkedNotes.graph` turns the notes of a scope into a networkx graph;
:func:`export_graph` writes it as JSON, GraphML, a PNG or a self-contained HTML page.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from pydantic import BaseModel, Field

from agentmem.errors import InvalidArgumentError, LLMError, LLMOutputError, missing
from agentmem.llm.base import Usage
from agentmem.memory import Memory
from agentmem.operations import Operation, SearchHit
from agentmem.paths import output_file
from agentmem.records import Kind, MemoryRecord, Provenance, clean_content, new_id
from agentmem.structures.base import Structure
from agentmem.text import keywords_of

__all__ = ["LinkedNotes", "NoteResult", "NoteAttributes", "export_graph", "keywords_of"]

_ATTR_SYSTEM = ("You index notes. For the note, give up to 5 keywords (single words from the "
                "note), up to 3 short topic tags, and one sentence of context saying what the "
                "note is about. Answer in JSON.")
_LINK_SYSTEM = ("You link notes. The new note and some older notes are shown with numbers. "
                "Pick the older notes that are about the same thing as the new note and say "
                "why in a few words. For a linked note whose context should now mention the "
                "new information, write its new context. Answer in JSON.")


class NoteAttributes(BaseModel):
    """What the LLM (or the fallback) fills in for a note."""

    keywords: list[str] = Field(default_factory=list, max_length=5)
    tags: list[str] = Field(default_factory=list, max_length=3)
    context: str = Field(default="", max_length=200)


@dataclass
class NoteResult:
    """What one :meth:`LinkedNotes.add` did."""

    note: MemoryRecord
    links: list[dict[str, str]]
    evolved: list[MemoryRecord] = field(default_factory=list)
    batch: str = ""
    usage: Usage = field(default_factory=Usage)


def _plain_attributes(text: str) -> NoteAttributes:
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return NoteAttributes(keywords=keywords_of(text), context=first[:200])


def _attr_schema() -> dict:
    word = {"type": "string", "maxLength": 24}
    return {"title": "NoteAttributes", "type": "object", "additionalProperties": False,
            "required": ["keywords", "tags", "context"],
            "properties": {"keywords": {"type": "array", "items": word, "maxItems": 5},
                           "tags": {"type": "array", "items": word, "maxItems": 3},
                           "context": {"type": "string", "maxLength": 160}}}


def _link_schema(shown: int, max_links: int, max_evolve: int) -> dict:
    number = {"enum": list(range(shown))}
    link = {"type": "object", "additionalProperties": False, "required": ["note", "reason"],
            "properties": {"note": number, "reason": {"type": "string", "maxLength": 80}}}
    evolve = {"type": "object", "additionalProperties": False, "required": ["note", "context"],
              "properties": {"note": number, "context": {"type": "string", "maxLength": 160}}}
    return {"title": "NoteLinks", "type": "object", "additionalProperties": False,
            "required": ["links", "evolve"],
            "properties": {"links": {"type": "array", "items": link, "maxItems": max_links},
                           "evolve": {"type": "array", "items": evolve,
                                      "maxItems": max_evolve}}}


def _clean_words(values: Any, limit: int) -> list[str]:
    out: list[str] = []
    for v in values if isinstance(values, list) else []:
        if isinstance(v, str) and (w := v.strip().lower()[:24]) and w not in out:
            out.append(w)
    return out[:limit]


class LinkedNotes(Structure):
    """A Zettelkasten over one scope of a :class:`Memory`.

    Args:
        memory: where the notes live (kind ``note``).
        llm: fills attributes, chooses links and evolves neighbours; ``None`` uses
            keywords from the text and links by similarity, with no evolution.
        k: neighbours retrieved (and shown to the LLM) per new note.
        max_links: links one new note may make.
        max_evolve: neighbours one new note may update (memory evolution).
        link_threshold: cosine similarity a neighbour needs to be linked without an LLM
            (and to be shown to the LLM at all).
        user_id, agent_id, session_id: the scope (defaults: the memory's default scope).
    """

    def __init__(self, memory: Memory, llm: Any = None, *, k: int = 5, max_links: int = 3,
                 max_evolve: int = 2, link_threshold: float = 0.3, user_id: str | None = None,
                 agent_id: str | None = None, session_id: str | None = None):
        if k < 1 or max_links < 0 or max_evolve < 0 or not -1 <= link_threshold <= 1:
            raise InvalidArgumentError(
                f"need k >= 1, max_links >= 0, max_evolve >= 0 and -1 <= link_threshold <= 1; "
                f"got k={k}, max_links={max_links}, max_evolve={max_evolve}, "
                f"link_threshold={link_threshold}")
        super().__init__(memory, llm, user_id=user_id, agent_id=agent_id, session_id=session_id)
        self.k, self.max_links, self.max_evolve = k, max_links, max_evolve
        self.link_threshold = link_threshold

    # -- writing --------------------------------------------------------------------------
    def add(self, content: str, *, event_time: Any = None, provenance: Any = None,
            tags: Sequence[str] = (), actor: str = "notes") -> NoteResult:
        """Add a note, link it to its neighbours and let it evolve them; one batch."""
        text = clean_content(content, self.memory.config.max_content_chars)
        # refused before any model call: an unknown source type is an error, not a guess
        prov = Provenance.parse(provenance if provenance is not None else Provenance(actor=actor))
        usage = Usage()
        attrs, u = self.attributes(text)
        usage = usage + u
        attrs.tags = _clean_words([*tags, *attrs.tags], 3 + len(tags))
        neighbours = self._neighbours(text)
        links, evolve, u = self._decide(text, attrs, neighbours)
        usage = usage + u
        meta = {"keywords": attrs.keywords, "tags": attrs.tags, "context": attrs.context,
                "links": links}
        ops = [Operation.add(text, kind=Kind.NOTE, metadata=meta, event_time=event_time,
                             provenance=prov, reason="new note")]
        for rec, context in evolve:
            ops.append(Operation.update(
                rec.id, metadata={**rec.metadata, "context": context,
                                  "tags": _clean_words([*rec.metadata.get("tags", []),
                                                        *attrs.tags], 5)},
                reason=f"note evolution: linked from new note {text[:60]!r}"))
        batch = new_id()
        results = self.view.apply(ops, actor=actor, batch=batch)
        return NoteResult(note=results[0].record, links=links,
                          evolved=[r.record for r in results[1:]], batch=batch, usage=usage)

    def attributes(self, text: str) -> tuple[NoteAttributes, Usage]:
        """Keywords, tags and context for ``text`` (LLM, or keywords from the text)."""
        if self.llm is None:
            return _plain_attributes(text), Usage()
        try:
            reply = self.llm.chat([{"role": "system", "content": _ATTR_SYSTEM},
                                   {"role": "user", "content": f"Note: {text}"}],
                                  schema=_attr_schema(), max_tokens=96)
        except (LLMError, LLMOutputError):
            return _plain_attributes(text), Usage(calls=1)
        got = reply.parsed or {}
        keywords = _clean_words(got.get("keywords"), 5) or keywords_of(text)
        context = str(got.get("context", "")).strip()[:200] or text[:200]
        return NoteAttributes(keywords=keywords, tags=_clean_words(got.get("tags"), 3),
                              context=context), reply.usage

    def _neighbours(self, text: str) -> list[MemoryRecord]:
        hits = self.view.search(text, k=self.k, kinds=[Kind.NOTE], mode="vector")
        return [h.record for h in hits
                if h.distance is not None and 1 - h.distance >= self.link_threshold]

    def _decide(self, text: str, attrs: NoteAttributes, shown: list[MemoryRecord]
                ) -> tuple[list[dict[str, str]], list[tuple[MemoryRecord, str]], Usage]:
        if not shown or self.max_links == 0:
            return [], [], Usage()
        if self.llm is None:
            links = [{"to": r.id, "reason": "similar content"} for r in shown[: self.max_links]]
            return links, [], Usage()
        listing = "\n".join(f"[{i}] {r.content} (context: {r.metadata.get('context', '')})"
                            for i, r in enumerate(shown))
        prompt = (f"New note: {text}\nKeywords: {', '.join(attrs.keywords)}\n\n"
                  f"Older notes:\n{listing}")
        try:
            reply = self.llm.chat([{"role": "system", "content": _LINK_SYSTEM},
                                   {"role": "user", "content": prompt}],
                                  schema=_link_schema(len(shown), self.max_links, self.max_evolve),
                                  max_tokens=160)
        except (LLMError, LLMOutputError):
            # A reply that does not parse links nothing; the note itself is still stored.
            return [], [], Usage(calls=1)
        got = reply.parsed or {}
        links: dict[str, str] = {}
        for item in got.get("links", []):
            n = item.get("note")
            if isinstance(n, int) and 0 <= n < len(shown):  # numbers only from the shown list
                links.setdefault(shown[n].id, str(item.get("reason", "")).strip()[:80] or "related")
        evolve: dict[str, tuple[MemoryRecord, str]] = {}
        for item in got.get("evolve", []):
            n, context = item.get("note"), str(item.get("context", "")).strip()[:200]
            if (isinstance(n, int) and 0 <= n < len(shown) and shown[n].id in links and context
                    and context != shown[n].metadata.get("context")):
                evolve.setdefault(shown[n].id, (shown[n], context))
        return ([{"to": i, "reason": r} for i, r in list(links.items())[: self.max_links]],
                list(evolve.values())[: self.max_evolve], reply.usage)

    def link(self, a: str, b: str, reason: str, *, actor: str = "notes") -> MemoryRecord:
        """Link note ``a`` to note ``b`` by hand (an UPDATE of ``a``)."""
        rec, other = self.memory.get(a), self.memory.get(b)
        for r in (rec, other):
            if r.kind != Kind.NOTE or not self.view.owns(r):
                raise InvalidArgumentError(f"{r.id} is not a note of this scope ({self.scope})")
        links = [x for x in rec.metadata.get("links", []) if x.get("to") != b]
        links.append({"to": b, "reason": reason})
        return self.view.apply([Operation.update(a, metadata={**rec.metadata, "links": links},
                                                 reason=f"link to {b}")], actor=actor)[0].record

    # -- reading --------------------------------------------------------------------------
    def search(self, query: str, k: int = 5, *, expand: bool = True) -> list[SearchHit]:
        """Notes for ``query``; with ``expand``, their one-hop neighbours follow (``via`` set)."""
        return self.view.search(query, k=k, kinds=[Kind.NOTE], expand_links=expand)

    def notes(self) -> list[MemoryRecord]:
        """Every note of this scope, oldest first."""
        return list(self.view.records(kinds=[Kind.NOTE]))

    def graph(self):
        """The notes of this scope as a ``networkx.DiGraph`` (edges: links, with reasons)."""
        try:
            import networkx as nx
        except ImportError:
            raise missing("networkx", "graph", "The note graph") from None
        g = nx.DiGraph()
        notes = self.notes()
        for n in notes:
            g.add_node(n.id, content=n.content, context=n.metadata.get("context", ""),
                       keywords=", ".join(n.metadata.get("keywords", [])),
                       tags=", ".join(n.metadata.get("tags", [])),
                       created_at=n.created_at.isoformat(), version=n.version)
        for n in notes:
            for link in n.metadata.get("links", []):
                if link.get("to") in g:  # a link to a deleted note is not drawn
                    g.add_edge(n.id, link["to"], reason=link.get("reason", ""))
        return g


# -- export --------------------------------------------------------------------------------
def export_graph(graph, path: str | Path, fmt: str | None = None, *, title: str = "") -> Path:
    """Write ``graph`` as ``json`` (node-link), ``graphml``, ``png`` or ``html``.

    The format comes from ``fmt`` or the file suffix. The HTML page is self-contained
    (inline SVG, no scripts from elsewhere): hover a node for its note, an edge for its reason.
    """
    fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
    path = output_file(path, f"graph.{fmt or 'html'}")
    import networkx as nx

    if fmt == "json":
        path.write_text(json.dumps(nx.node_link_data(graph, edges="links"), indent=1,
                                   ensure_ascii=False), encoding="utf-8")
    elif fmt == "graphml":
        nx.write_graphml(_xml_safe(graph), path)
    elif fmt == "png":
        _png(graph, path, title)
    elif fmt == "html":
        path.write_text(_html(graph, title), encoding="utf-8")
    else:
        raise InvalidArgumentError(f"unknown graph format {fmt!r}: use json, graphml, png or html "
                                   "(or a file name ending in one of them)")
    return path


# Characters XML 1.0 cannot hold at all, not even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_safe(graph):
    """A copy of ``graph`` whose text can be written as XML (GraphML): characters XML
    forbids are written as visible ``\\xNN`` escapes instead of breaking the file."""
    def clean(value):
        if isinstance(value, str):
            return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
        return value

    out = graph.__class__()
    out.graph.update({k: clean(v) for k, v in graph.graph.items()})
    for node, data in graph.nodes(data=True):
        out.add_node(clean(node), **{k: clean(v) for k, v in data.items()})
    for a, b, data in graph.edges(data=True):
        out.add_edge(clean(a), clean(b), **{k: clean(v) for k, v in data.items()})
    return out


def _layout(graph) -> dict[str, tuple[float, float]]:
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return {}
    return {n: (float(x), float(y)) for n, (x, y) in nx.spring_layout(graph, seed=7).items()}


def _label(graph, node: str, width: int = 28) -> str:
    text = graph.nodes[node].get("content", node)
    return text if len(text) <= width else text[: width - 1] + "…"


def _png(graph, path: Path, title: str) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import networkx as nx
    except ImportError:
        raise missing("matplotlib", "graph", "Drawing the note graph") from None
    pos = _layout(graph)
    fig, ax = plt.subplots(figsize=(10, 7))
    nx.draw_networkx_edges(graph, pos, ax=ax, edge_color="#999999", arrows=True)
    nx.draw_networkx_nodes(graph, pos, ax=ax, node_color="#4c78a8", node_size=220)
    nx.draw_networkx_labels(graph, pos, {n: _label(graph, n) for n in graph}, ax=ax,
                            font_size=7, verticalalignment="bottom")
    ax.set_title(title or f"memory graph: {graph.number_of_nodes()} notes, "
                 f"{graph.number_of_edges()} links")
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=120, format="png")
    plt.close(fig)


def _html(graph, title: str) -> str:
    pos = _layout(graph)
    size, pad = 900, 60

    def xy(n: str) -> tuple[float, float]:
        x, y = pos[n]
        return pad + (x + 1) / 2 * (size - 2 * pad), pad + (1 - (y + 1) / 2) * (size - 2 * pad)

    esc = html.escape
    parts = []
    for a, b, data in graph.edges(data=True):
        (x1, y1), (x2, y2) = xy(a), xy(b)
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                     f'stroke="#999" stroke-width="1.5"><title>{esc(data.get("reason", ""))}'
                     '</title></line>')
    for n, data in graph.nodes(data=True):
        x, y = xy(n)
        tip = "\n".join(f"{k}: {data.get(k, '')}" for k in ("content", "context", "keywords",
                                                            "tags", "created_at"))
        parts.append(f'<g><circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="#4c78a8">'
                     f'<title>{esc(n)}\n{esc(tip)}</title></circle>'
                     f'<text x="{x + 11:.1f}" y="{y + 4:.1f}" font-size="11">'
                     f'{esc(_label(graph, n))}</text></g>')
    heading = esc(title or f"memory graph: {graph.number_of_nodes()} notes, "
                  f"{graph.number_of_edges()} links")
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{heading}</title></head>'
            f'<body style="font-family:sans-serif"><h3>{heading}</h3>'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
            f'viewBox="0 0 {size} {size}">{"".join(parts)}</svg></body></html>')
