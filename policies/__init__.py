"""Policies behind the Protocols of ``agentmem.protocols``: prompted, or trained (a LoRA adapter).

Each policy is a versioned prompt template (``policies/templates``), an LLM backend
and a structured-output parser; the training code renders the same templates.
"""

from policies._templates import Template, load_template
from policies.actor import PromptedActor
from policies.answer import AnswerOutput, PromptedAnswerer
from policies.manager import ManagerOp, ManagerOutput, PromptedManager

__all__ = ["Template", "load_template", "PromptedManager", "ManagerOutput", "ManagerOp",
           "PromptedAnswerer", "AnswerOutput", "PromptedActor"]
