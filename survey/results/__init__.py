"""The one place that turns stored responses into what `analysis` needs.

`filters` says which responses count, `sql` holds every aggregation query
(swap it for a rollup table without touching callers), `stats` rebuilds
`analysis` sufficient statistics from the query rows, `queries` assembles
the figures a page or an export shows.
"""
