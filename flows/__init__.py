"""The lifecycle as Prefect flows, one file each. A flow sequences tasks and returns a small
summary; it holds no business rule."""
