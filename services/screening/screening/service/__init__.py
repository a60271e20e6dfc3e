"""Service layer of the screening service: the use cases, each over a unit of work (writes, committing once)
or a session (reads), calling the domain rules. One module per part of the campaign's order of use:
campaigns → township → county → city → filing, and ``dynamic_list`` after acceptance's verdicts; ``state`` rebuilds
the domain objects from the stored facts and records new ones."""
from screening.service import (cadres, campaigns, city, county, divisions, dynamic_list, filing, files, organizations,
                               township, users)
from screening.service.state import active_list, facts, load_campaign, record
from screening.service.tasks import pending_tasks
from zhengdun.events import screening as ev

__all__ = ["cadres", "campaigns", "city", "county", "divisions", "dynamic_list", "filing", "files", "organizations",
           "township", "users",
           "active_list", "record", "facts", "load_campaign", "pending_tasks", "ev"]
