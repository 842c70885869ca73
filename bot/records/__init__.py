"""What Asistan itself records about conversations: webhook deliveries already handled,
failed proofs of ownership (per order and contact, across conversations) and
satisfaction ratings. Asistan's own tables, kept apart from the shop's data."""
