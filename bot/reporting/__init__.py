"""The shop owner's report: how the assistant and the agents did over a range of days.

`period` turns the owner's dates into shop-local days, `conversations` (Asistan's analytics
table, fed by Rasa's event broker) and `shop` read the store database, `report` computes
the figures, `figures` draws them and `render` writes JSON and a self-contained HTML page.
`python -m bot report` and the console's `/report` both go through
:func:`bot.reporting.report.report_for`.
"""
