"""Every command has help text and is documented in the README; the README's set-up commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from geoincidents.cli.main import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_has_help_and_is_in_readme(runner, name):
    command = cli.commands[name]
    assert command.help and len(command.help.strip()) > 20
    assert f"geoincidents {name}" in README
    for flag in ("-h", "--help"):
        res = runner.invoke(cli, [name, flag])
        assert res.exit_code == 0 and "Usage:" in res.output


def test_readme_starts_with_two_setup_commands():
    blocks = README.split("```")
    commands = [b for b in blocks[1::2][:2]]
    assert len(commands) == 2
    assert "geoincidents" in commands[0] and "pytest" in commands[1]
