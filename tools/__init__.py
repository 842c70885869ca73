"""Development-only code: helpers for the tests and the benchmark, maintainer scripts."""
