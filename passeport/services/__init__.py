"""Services: each takes a SQLAlchemy Session, checks access, and does one job in the caller's transaction."""
