"""REST API of the priorities app."""
