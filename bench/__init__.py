"""`make bench`: full conversation turns under load, Asistan beside Rasa's default.

The product runs on loopback exactly as `make run` starts it (bot.ops.processes), on a seeded
store of its own; this process is only the load client. Every number lands in
``runtime/bench/results.json`` and between the markers of ``docs/performance.md``, so the
document always shows what the last full run measured. Rasa's default pipeline and
policies (what `rasa init` writes) serve the same load in the same run, so the ratio
between the two holds even on a busy machine.
"""
