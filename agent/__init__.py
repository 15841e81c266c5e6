"""lineguard-agent: gathers raw evidence on a management server and signs it."""
