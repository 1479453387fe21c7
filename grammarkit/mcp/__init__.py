"""``grammarkit mcp``: grammarkit's checks as tools of a Model Context Protocol server.

An MCP client (Claude Desktop, Claude Code, Cursor, VS Code...) starts ``grammarkit mcp``
and talks to it over standard input and output. The tools lint grammars, apply fixes,
parse inputs with both engines, check and generate samples, explain rules, measure
llguidance's limits, build OpenAI tool definitions and diff two grammars; every tool
publishes a JSON schema for its input and for its structured output.

* :mod:`grammarkit.mcp.limits`: the bounds on every call (sizes, counts, time);
* :mod:`grammarkit.mcp.tasks`: the work of each tool, as plain functions on JSON values;
* :mod:`grammarkit.mcp.worker`: the worker processes the tasks run in, with a time budget
  (a call that runs over it has its worker killed and replaced);
* :mod:`grammarkit.mcp.models`: the output schemas;
* :mod:`grammarkit.mcp.server`: the server (the ``mcp`` SDK's ``MCPServer``, stdio).

Only :mod:`~grammarkit.mcp.server` and :mod:`~grammarkit.mcp.models` import the ``mcp``
SDK and pydantic (the ``mcp`` extra: ``pip install 'grammarkit[mcp]'``).
"""
