"""The test suite, as a package: shared helpers are imported by their full name
(``from tests.graph.scripted import ...``), so no test or benchmark edits ``sys.path``."""
