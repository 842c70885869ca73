"""Rasa custom actions, one module per capability. They stay thin: read the tracker, call
one store function inside one unit of work, and speak through `domain.yml` responses."""
