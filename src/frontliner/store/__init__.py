"""Storage: the desk's entities on SQLite or PostgreSQL (SQLAlchemy 2, Alembic).

`engine.make_engine(url)` -> `uow.uow_factory(engine)` gives the desk its unit of work;
`queries` is the read side of the API; `migrate.upgrade(url)` brings a schema up to date.
"""
