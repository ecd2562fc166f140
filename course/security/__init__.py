"""Safeguards around every request: security headers (headers.py) and CSRF (csrf.py)."""
