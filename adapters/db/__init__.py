"""SQLAlchemy persistence: engine, models, repositories and the unit of work."""
