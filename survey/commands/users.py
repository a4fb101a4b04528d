"""`sipas users`: create, list, disable and re-enable staff accounts."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from survey import audit, db
from survey.auth import passwords
from survey.auth.operations import AccountError, create_user, set_active, set_password
from survey.auth.queries import user_by_username, users
from survey.models import Unit
from survey.models.accounts import ROLES

users_cli = AppGroup("users", help="Staff accounts.")

REASONS = {
    "username": "the username must be 1-80 characters without spaces",
    "role": f"the role must be one of {', '.join(ROLES)}",
    "exists": "an account with this username already exists",
    "weak": f"the password must have at least {passwords.MIN_LENGTH} characters and not contain the username",
}


def _unit(code: str) -> Unit:
    unit = db.session().scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise click.ClickException(f"no unit with code {code!r} (see `sipas users units`)")
    return unit


def _account(username: str):
    user = user_by_username(db.session(), username)
    if user is None:
        raise click.ClickException(f"no account {username!r}")
    return user


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--unit", "unit_code", required=True, help="Code of the account's unit (city or commune).")
@click.option("--password", help="Password; without it one is generated and printed once.")
def create(username: str, role: str, unit_code: str, password: str | None) -> None:
    """Create a staff account."""
    generated = password is None
    password = password or passwords.generate_password()
    s = db.session()
    try:
        user = create_user(s, username, role, _unit(unit_code), password)
    except AccountError as exc:
        raise click.ClickException(REASONS[exc.code]) from exc
    audit.record("user_create", f"user:{user.id}", f"cli role={role} unit={unit_code}")
    db.session().commit()
    click.echo(f"Created {role} {user.username} for {user.unit.name}.")
    if generated:
        click.echo(f"Password (shown once): {password}")


@users_cli.command("list")
def list_users() -> None:
    """List accounts with their unit, role, state and last login."""
    for user in users(db.session()):
        state = "active" if user.active else "disabled"
        last = user.last_login_at.isoformat(timespec="minutes") if user.last_login_at else "-"
        click.echo(f"{user.username}\t{user.role}\t{user.unit.code}\t{state}\t{last}")


@users_cli.command("units")
def list_units() -> None:
    """List unit codes an account can belong to."""
    for unit in db.session().scalars(select(Unit).order_by(Unit.parent_id.is_not(None), Unit.code)):
        click.echo(f"{unit.code}\t{unit.kind}\t{unit.name}")


def _set_active(username: str, active: bool) -> None:
    user = _account(username)
    set_active(user, active)
    audit.record("user_enable" if active else "user_disable", f"user:{user.id}", "cli")
    db.session().commit()
    click.echo(f"{user.username} {'enabled' if active else 'disabled'}.")


@users_cli.command("disable")
@click.argument("username")
def disable(username: str) -> None:
    """Disable an account: it cannot log in and its open sessions end."""
    _set_active(username, False)


@users_cli.command("enable")
@click.argument("username")
def enable(username: str) -> None:
    """Re-enable a disabled account."""
    _set_active(username, True)


@users_cli.command("set-password")
@click.argument("username")
@click.option("--password", help="New password; without it one is generated and printed once.")
def set_password_command(username: str, password: str | None) -> None:
    """Reset an account's password (its open sessions end)."""
    user = _account(username)
    new = password or passwords.generate_password()
    if passwords.weakness(new, user.username):
        raise click.ClickException(REASONS["weak"])
    set_password(user, new)
    audit.record("password_reset", f"user:{user.id}", "cli")
    db.session().commit()
    click.echo(f"Password of {user.username} changed." + ("" if password else f" New password: {new}"))


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
