"""Names that ``domain.yml`` defines and several parts of the code must agree on."""

# Intents the processes send among themselves (the console's `EXTERNAL_handoff_resolved`,
# the channels' `EXTERNAL_rate_limited`...): stored as user events, but nobody typed them.
EXTERNAL_PREFIX = "EXTERNAL_"
# What NLU predicts for a message it does not understand, and the action that answers it.
FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTION = "action_fallback"
# Intents of messages the bot did not understand or that are outside a shop's business.
MISSED_INTENTS = (FALLBACK_INTENT, "out_of_scope")
