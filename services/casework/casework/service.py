"""Service layer of the casework service: use cases over a unit of work, calling the domain rules."""
