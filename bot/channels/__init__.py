"""Rasa input channels of the shop's own: the website widget and WhatsApp Cloud API."""
