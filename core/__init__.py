"""The pure domain: entities, script rules, billing rules and use cases; no framework imports."""
