"""lineguard collector: verifies and stores snapshots, interprets them, raises findings."""
