"""Local servers that speak paid providers' protocols, for tests, benchmarks and demos."""
