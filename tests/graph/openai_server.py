"""The scripted OpenAI-compatible server of the tests lives in the package
(``agents.llm.scripted_server``), where the latency benchmark reaches it too; this name is kept
for the tests that import it from here."""

from agents.llm.scripted_server import ScriptedServer, peak_overlap

__all__ = ["ScriptedServer", "peak_overlap"]
