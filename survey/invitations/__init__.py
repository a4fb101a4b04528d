"""Single-use invitation codes: issue, print, and open the form from one (survey.invitations.views)."""
