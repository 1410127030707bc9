"""Old import path of :mod:`agentmem.structures.lessons`, kept for one release."""

import warnings

from agentmem.structures.lessons import *  # noqa: F401,F403
from agentmem.structures.lessons import __all__  # noqa: F401

warnings.warn("agentmem.lessons moved to agentmem.structures.lessons; the old path goes in the next "
              "release", DeprecationWarning, stacklevel=2)
