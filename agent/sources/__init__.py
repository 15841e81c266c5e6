"""Evidence sources: the host (scheduled jobs and what they run) and, in agent.devices, network elements."""
