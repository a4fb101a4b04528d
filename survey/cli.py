"""The `sipas` console command: Flask's CLI over the application factory."""
from __future__ import annotations

from flask.cli import FlaskGroup

from survey import create_app


def main() -> None:
    """Run the command line (`sipas db upgrade`, `sipas serve`, `sipas run`…)."""
    FlaskGroup(create_app=create_app, help="SIPAS measurement service.")(prog_name="sipas")


if __name__ == "__main__":
    main()
