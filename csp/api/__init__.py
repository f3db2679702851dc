"""REST API of the csp app."""
