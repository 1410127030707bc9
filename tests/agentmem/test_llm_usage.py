"""Usage counting: a thread-safe meter, and any LLM wrapped so its spend can be read off."""

from __future__ import annotations

import threading

from agentmem.llm.base import Usage
from agentmem.llm.usage import CountingLLM, UsageMeter
from agentmem.testing import ScriptedLLM


def test_meter_sums_from_many_threads_and_measures_a_step():
    meter = UsageMeter()
    threads = [threading.Thread(target=lambda: [meter.add(Usage(1, 2, 3)) for _ in range(200)])
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert meter.total == Usage(800, 1600, 2400)
    before = meter.total
    meter.add(Usage(1, 10, 5))
    assert meter.since(before) == Usage(1, 10, 5)
    assert before == Usage(800, 1600, 2400)  # a total read earlier never changes


def test_counting_llm_counts_every_reply_and_passes_it_through():
    inner = ScriptedLLM(["one two", {"a": 1}])
    llm = CountingLLM(inner)
    assert llm.name == "scripted"
    assert llm.chat([{"role": "user", "content": "hi there"}]).text == "one two"
    assert llm.chat("x", max_tokens=8).text == '{"a": 1}'
    assert llm.usage.calls == 2 and llm.usage == inner.total_usage
