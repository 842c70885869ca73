"""Development-only code: checks, evaluation and helpers for tests and the benchmark.
Nothing in the runtime packages (``bot``, ``actions``) imports it."""
