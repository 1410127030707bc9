"""Old import path of :mod:`agentmem.structures.summaries`, kept for one release."""

import warnings

from agentmem.structures.summaries import *  # noqa: F401,F403
from agentmem.structures.summaries import __all__  # noqa: F401

warnings.warn("agentmem.summaries moved to agentmem.structures.summaries; the old path goes in the next "
              "release", DeprecationWarning, stacklevel=2)
