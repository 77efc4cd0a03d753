"""Queue adapters: in-process for the embedded default (Redis Streams for deployments)."""
