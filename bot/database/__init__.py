"""Database engines and units of work, shared by every package that keeps tables."""
