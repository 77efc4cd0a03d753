"""Built-in adapters: database, queues, settings, plugin loading and the composition root."""
