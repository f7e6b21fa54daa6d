"""``python -m bench``: the Tawasul store against plain TinyDB and SQLite at office scale (issue 6).

Every figure is a median, and each backend does the same work in the same run, so the ratios hold
on a noisy machine even where the absolute times move.
"""
