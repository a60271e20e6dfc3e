"""Service layer of the supervision service: use cases over a unit of work, calling the domain rules."""
