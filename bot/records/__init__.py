"""What Asistan itself records about conversations: webhook deliveries already handled and
satisfaction ratings. Asistan's own tables, kept apart from the shop's data."""
