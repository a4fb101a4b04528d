"""The one place that turns stored responses into what `analysis` needs.

`filters` says which responses count; `selection` gathers their cells —
past days from the rollup cache (`rollup` builds it, as a job), the rest
aggregated live through `packed`/`cells`; `queries` sums the cells into
`analysis` sufficient statistics and assembles the figures a page or an
export shows; `sql` holds the remaining SQL (scopes, option counts, the
raw-responses stream). See docs/aggregation.md.
"""
