"""The direct engine: renders a script in this process with bounded concurrent synthesis."""
