"""HTTP API (FastAPI) and command-line entrypoints."""
