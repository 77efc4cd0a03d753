"""PodForge's MoFA engine: a task rendered as a dora-rs dataflow."""
