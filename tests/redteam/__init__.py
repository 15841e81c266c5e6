"""The red-team corpus (host side): see generate.py."""
