"""Formats both sides read: one module per file format or language fact that the agent (to
capture and follow) and the collector (to interpret) must agree on."""
