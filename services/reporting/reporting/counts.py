"""The counts that make the figures, over villages' states in SQL (reporting.series.SERIES, for one date or many)."""

COUNTS = """
         count(*) FILTER (WHERE in_campaign) AS in_campaign,
         count(*) FILTER (WHERE screened) AS screened,
         count(*) FILTER (WHERE listed_category IS NOT NULL) AS listed,
         count(*) FILTER (WHERE listed_category = 'weak_and_lax') AS listed_weak_and_lax,
         count(*) FILTER (WHERE listed_category = 'lagging') AS listed_lagging,
         coalesce(sum(overdue), 0)::bigint AS measures_overdue,
         count(*) FILTER (WHERE overdue > 0) AS villages_overdue,
         count(*) FILTER (WHERE visits_due) AS visits_due,
         count(*) FILTER (WHERE visits_compliant) AS visits_compliant,
         coalesce(sum(passed), 0)::bigint AS accepted, coalesce(sum(failed), 0)::bigint AS failed,
         coalesce(sum(delisted), 0)::bigint AS delisted, coalesce(sum(relapsed), 0)::bigint AS relapsed,
         count(*) FILTER (WHERE designated) AS designated,
         count(*) FILTER (WHERE transformed) AS transformed"""
