"""Authentication: password hashing, JSON Web Tokens, login rate limiting."""
