"""Asistan: a Turkish customer-service assistant for online shops, built on Rasa."""
