"""Service layer of the acceptance service: the use cases, each over a unit of work (writes, one
commit) or a session (reads), deciding through the rules in ``acceptance.domain``.

- ``read_model``: campaigns, policies and cases as screening and casework announce them
- ``rows``: the acceptance row ↔ the domain aggregate
- ``steps``: the steps of a village's acceptance (sign, check, report, approve, survey, notice…)
- ``reading``: the acceptances as the routes answer them
- ``documents``: signed documents, seals and seal keys
- ``standard``, ``spot_checks``, ``files``, ``tasks``: the city's standard, the random spot checks,
  the evidence files, the to-do list
"""
