"""Old import path of :mod:`agentmem.structures.tasks`, kept for one release."""

import warnings

from agentmem.structures.tasks import *  # noqa: F401,F403
from agentmem.structures.tasks import __all__  # noqa: F401

warnings.warn("agentmem.tasks moved to agentmem.structures.tasks; the old path goes in the next "
              "release", DeprecationWarning, stacklevel=2)
