"""Critics: built-in ones, plug-ins found by entry point, and the rule that combines verdicts."""
