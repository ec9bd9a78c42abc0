"""The command line (`rectify`)."""

from rectify.cli.app import app

__all__ = ["app"]
