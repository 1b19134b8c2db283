"""Alembic environment: always run with a connection handed in by models.db.migrate."""

from alembic import context

from models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs the alembic CLI by hand
    raise SystemExit("Run migrations through KeBen (models.db.migrate), not the alembic command.")

def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave the FTS5 tables (made by hand in 0001) out of autogenerate's comparisons."""
    return not (type_ == "table" and name is not None and "_fts" in name)


context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    include_object=include_object,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
