"""Storage: the desk's entities on SQLite or PostgreSQL (SQLAlchemy 2, Alembic).

`engine.make_engine(url)` -> `uow.uow_factory(engine)` gives the desk its unit of work;
`queries` is the read side of the API; `migrate.upgrade(url)` brings a schema up to date.
"""

# Tables beyond the desk entities register on the same metadata when the package loads,
# so migrations, the schema test and the test fixtures see every table.
from frontliner.store import import_tables as import_tables
from frontliner.store import insight_tables as insight_tables
from frontliner.store import lead_queries as lead_queries  # its partial index
from frontliner.store import mail_tables as mail_tables
from frontliner.store import outbound_tables as outbound_tables
from frontliner.store import practice_tables as practice_tables
from frontliner.store import session_tables as session_tables
from frontliner.store import settings_tables as settings_tables
from frontliner.store import throttle_tables as throttle_tables
from frontliner.store import webhook_tables as webhook_tables
from frontliner.store import worker_tables as worker_tables
