"""The soak run (`make soak`, `python -m tests.soak`): a few hundred devices against PostgreSQL for minutes.

Where tests/bench/server_load.py asks how fast, the soak asks whether the
server stays the same over time: memory, latency and throughput sampled in
windows, then exactly-once checked over everything the devices did.
"""
