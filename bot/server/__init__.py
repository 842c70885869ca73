"""The Rasa server process: Rasa's own command line with Asistan's extensions.

``python -m bot.server run ...`` (built by ``bot/ops/processes.py``) applies every change to
Rasa in this one place before Rasa starts: speed fixes (``fixes.py``), the answers a
shopper gets when a part of the shop is down (``turns.py``), typed Rasa commands read as
text (``commands.py``), and the stores and event
brokers that ``endpoints.yml`` names (``tracker_store.py``, ``lock_store.py``,
``broker.py``).
"""
