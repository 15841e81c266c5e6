"""Parsers: one module per source kind, turning stored artifacts into Job and LineDataRow records."""
