"""Side-by-side evaluation: memory QA systems, and household/shop episodes with and without
memory. Command line: ``agentmem eval ...`` or ``python -m training.eval ...``."""
