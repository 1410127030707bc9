"""Old import path of :mod:`agentmem.structures.notes`, kept for one release."""

import warnings

from agentmem.structures.notes import *  # noqa: F401,F403
from agentmem.structures.notes import __all__  # noqa: F401

warnings.warn("agentmem.notes moved to agentmem.structures.notes; the old path goes in the next "
              "release", DeprecationWarning, stacklevel=2)
