"""Every command of the command line, read from the Typer app itself: a command added later
is covered by the tests that walk this list without being named in them."""

from __future__ import annotations

from dataclasses import dataclass

import typer

from rectify.cli import app


@dataclass(frozen=True)
class Command:
    path: tuple[str, ...]  # ("clue", "transfer")
    command: object  # the Click command (Typer's copy of Click)

    @property
    def params(self) -> list:
        """Its parameters, without the help option."""
        return [p for p in self.command.params if p.name != "help"]


def commands(include_groups: bool = False) -> list[Command]:
    """Every command, depth first; groups too when asked (their help is read as well)."""
    out: list[Command] = []

    def walk(command, path: tuple[str, ...]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands is None or include_groups or command.invoke_without_command:
            out.append(Command(path, command))
        for name, sub in (subcommands or {}).items():
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return out
