"""Fuzzing the app (schemathesis) from an OpenAPI description built from its routes."""
