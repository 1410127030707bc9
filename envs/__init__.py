"""envs: see DESIGN.md. Builds on agentmem; grows with the runtime, environment and training issues."""
