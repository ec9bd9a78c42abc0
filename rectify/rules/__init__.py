"""Pure rules: plain data and a date in, a decision out. No Prefect, no session."""
