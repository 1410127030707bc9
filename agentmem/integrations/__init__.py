"""Bridges to other ecosystems: LangChain tools, a LangGraph store, an MCP server.

Each module imports its vendor library only when used.
"""
