"""The entry points: the one place that wires the GUI, sync and the command line together.

Everything else in Knop sits below this package and never imports it.
"""
