"""Voice providers (espeak-ng offline, MiniMax) and the voice library from voices.yaml."""
