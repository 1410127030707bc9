"""A recurring shopper: the same person's shopping trips, one after another.

Run:  python examples/shop_demo.py [--episodes 4] [--llm openai:gpt-4o-mini]
                                    [--actor scripted] [--home DIR]

The shopper states their usual size and colour once, in the first instruction;
later ones say "in my usual size and color". Plays the trips without memory and
with memory (lessons, notes of stated preferences, a task tree per trip), prints
each trip compactly (with WebShop's score: a purchase can be partly right) and ends
with the learning curve as a table and a PNG.

The actor is, by default, the trained one shipped with the package
(policies/adapters/shop-actor, on the embedded SmolLM2-135M) for held-out shopper
1002, whom it was never trained on; about 1 minute on 2 CPU cores. In that run every
trip buys in 3-5 steps; without memory the trips score 0.55 on average, with memory
0.60: the second trip chooses the usual colour (green), which its instruction leaves
to memory, where without memory it chooses pink.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from household_demo import main  # noqa: E402

if __name__ == "__main__":
    main("shop", instance_help="recurring shopper id (1000 and up: held out, never trained "
         "on)", split="seen", instance=1002)
