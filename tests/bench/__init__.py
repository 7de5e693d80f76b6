"""`make bench`: Knop measured at the size of a whole municipality.

Run with `make bench` (or `python -m tests.bench --only local_action`). Each
figure is a median over repeated runs and is printed beside its target; ratio
targets are measured against a baseline taken in the same run, because these
machines are shared and noisy. Results go to bench-results/ as JSON, and each
run is compared with the previous one.
"""
