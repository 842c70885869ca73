"""Rasa custom actions, one module per capability. They stay thin: read the tracker, call
one store function inside one unit of work, and speak through `domain.yml` responses.

The action server (``python -m rasa_sdk --actions actions``) imports this package before
anything runs, so the masking of every log line (``bot.text.logs``) starts here.
"""

from bot.text.logs import mask_every_log

mask_every_log()
