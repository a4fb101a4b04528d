"""Annual measurement plans; staff pages under /staff/plans (survey.plans.views)."""
