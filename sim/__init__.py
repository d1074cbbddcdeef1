"""Negotiation scenario simulator: the May-June 2025 US-China trade talks, agent-based."""
