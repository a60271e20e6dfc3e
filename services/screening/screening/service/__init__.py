"""Service layer of the screening service: the use cases, each over a unit of work (writes, committing once)
or a session (reads), calling the domain rules. One module per part of the campaign's order of use:
campaigns → township → county → city → filing; ``state`` rebuilds the domain objects from the stored facts."""
from screening.service import campaigns, city, county, divisions, filing, files, township, users
from screening.service.state import Recorder, active_list, facts, load_campaign
from screening.service.tasks import pending_tasks
from zhengdun.events import screening as ev

__all__ = ["campaigns", "city", "county", "divisions", "filing", "files", "township", "users",
           "Recorder", "active_list", "facts", "load_campaign", "pending_tasks", "ev"]
