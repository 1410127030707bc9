"""A recurring shopper: the same person's shopping trips, one after another.

Run:  python examples/shop_demo.py [--episodes 4] [--llm openai:gpt-4o-mini]
                                    [--actor scripted] [--home DIR]

The shopper states their usual size and colour once, in the first instruction;
later ones say "in my usual size and color". Plays the trips without memory and
with memory (lessons, notes of stated preferences, a task tree per trip), prints
each trip compactly and ends with the learning curve as a table and a PNG.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from household_demo import main  # noqa: E402

if __name__ == "__main__":
    main("shop", instance_help="recurring shopper id", split="seen", instance=2)
