"""Offline agents: compose tasks from a grammar of relations, with no language model.

They write ordinary task programs, go through the same validator and answer the same
reflection feedback as the LLM agents; they are the default when no model is configured.
"""
