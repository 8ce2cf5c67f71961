"""``python -m geoincidents`` runs the command-line interface."""

from geoincidents.cli.main import cli

if __name__ == "__main__":
    cli(prog_name="geoincidents")
