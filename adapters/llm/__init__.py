"""Language models: litellm behind the LLM port, and the prompt templates."""
