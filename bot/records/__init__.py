"""What Asistan itself records about conversations: webhook deliveries already handled,
what a failed proof of ownership counts against (per order and contact) and
satisfaction ratings. Asistan's own tables, kept apart from the shop's data."""
