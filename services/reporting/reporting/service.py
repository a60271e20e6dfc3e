"""Service layer of the reporting service: use cases over a unit of work, calling the domain rules."""
