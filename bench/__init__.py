"""Benchmarks of altalune against psql and the interpreter floor (``make bench``)."""
