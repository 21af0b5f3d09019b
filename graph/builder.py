"""The generation graph, uncompiled (tests compile it with their own checkpointer).

run:       START -> plan -(Send x concurrency)-> candidate -> record -> plan | END
candidate: retrieve -> propose -> review -> write_code -> execute -> critique -> commit
           review  -> propose (rejected, rounds left) | finish (out of rounds)
           execute -> reflect -> write_code (failed, repairs left) | finish (out of repairs)
           critique -> human_review (``--critic human``) -> commit | finish
           commit -> finish -> END
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph

from graph.context import Context
from graph.nodes.commit import commit
from graph.nodes.critique import after_critique, after_human, critique, human_review
from graph.nodes.execute import after_execute, after_write_code, execute
from graph.nodes.finish import finish
from graph.nodes.plan import after_record, dispatch, plan, record
from graph.nodes.propose import propose
from graph.nodes.reflect import reflect
from graph.nodes.retrieve import retrieve
from graph.nodes.review import after_review, review
from graph.nodes.write_code import write_code
from graph.state import CandidateOutput, CandidateState, RunInput, RunOutput, RunState


def build_candidate_graph() -> StateGraph[Any, Any, Any, Any]:
    """One candidate task, from retrieval to the library (or to the reason it was dropped)."""
    g = StateGraph(CandidateState, context_schema=Context, output_schema=CandidateOutput)
    g.add_node("retrieve", retrieve)
    g.add_node("propose", propose)
    g.add_node("review", review)
    g.add_node("write_code", write_code)
    g.add_node("execute", execute)
    g.add_node("reflect", reflect)
    g.add_node("critique", critique)
    g.add_node("human_review", human_review)
    g.add_node("commit", commit)
    g.add_node("finish", finish)
    g.add_edge(START, "retrieve")
    g.add_edge("retrieve", "propose")
    g.add_edge("propose", "review")
    g.add_conditional_edges("review", after_review, ["write_code", "propose", "finish"])
    g.add_conditional_edges("write_code", after_write_code, ["execute", "finish"])
    g.add_conditional_edges("execute", after_execute, ["critique", "reflect", "finish"])
    g.add_edge("reflect", "write_code")
    g.add_conditional_edges("critique", after_critique, ["human_review", "commit", "finish"])
    g.add_conditional_edges("human_review", after_human, ["commit", "finish"])
    g.add_edge("commit", "finish")
    g.add_edge("finish", END)
    return g


def build_graph() -> StateGraph[Any, Any, Any, Any]:
    """The run: rounds of parallel candidates until enough are accepted or the budget is spent."""
    g = StateGraph(RunState, context_schema=Context, input_schema=RunInput, output_schema=RunOutput)
    g.add_node("plan", plan)
    g.add_node("candidate", build_candidate_graph().compile())
    g.add_node("record", record)
    g.add_edge(START, "plan")
    g.add_conditional_edges("plan", dispatch, ["candidate", "record"])
    g.add_edge("candidate", "record")
    g.add_conditional_edges("record", after_record, ["plan", END])
    return g
