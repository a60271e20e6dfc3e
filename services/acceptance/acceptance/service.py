"""Service layer of the acceptance service: use cases over a unit of work, calling the domain rules."""
