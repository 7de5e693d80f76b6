"""The domain core that the client and the server both run.

Entities, the operation rules and their permissions, refusals, the skill
catalogue, ids and the shared table definitions. It imports nothing of Knop
above it: neither the client's store, nor `sync`, nor `ui`.
"""
