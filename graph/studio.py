"""The compiled graph that ``langgraph.json`` names, for ``langgraph dev`` and LangGraph Studio.

It has no checkpointer of its own: the LangGraph server brings one.
"""

from graph.builder import build_graph

graph = build_graph().compile(name="simgen")
