"""Thin Prefect tasks: open a session, load with a fixed number of queries, call the rules,
write, return plain data. Each works on a whole inspection (a batch), never one measure."""
