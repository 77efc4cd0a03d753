"""The dataflow's nodes, each run as ``python -m podforge_mofa_engine.nodes.<name>``."""
