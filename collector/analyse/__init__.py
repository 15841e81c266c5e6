"""Analysers: timing, destructive-action judgement, drift, fleet correlation, silence."""
