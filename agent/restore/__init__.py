"""Restoring line data at the agent: the signed plan document (shared with the collector), and
applying an approved plan to the devices, verified by a re-poll."""
