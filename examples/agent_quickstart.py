"""The few-lines agent: it answers from memory and writes memory in the background.

Run:  python examples/agent_quickstart.py     (add --llm openai:gpt-4o-mini for a remote model)
"""

import argparse

from agentmem import Agent, Memory

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--llm", default="local")
parser.add_argument("--home", default=".agentmem-agent-demo")
args = parser.parse_args()

# The five lines:
agent = Agent(args.llm, memory=Memory(home=args.home), user_id="ana")
agent.chat("I adopted a beagle called Biscuit.")
agent.flush()  # memory is written in the background; wait for it
print(agent.chat("What is my dog called?").answer)

print("memories:", [r.content for r in agent.memory.list(user_id="ana")])
agent.close()
