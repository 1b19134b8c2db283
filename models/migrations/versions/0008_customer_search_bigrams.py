"""PostgreSQL: GIN indexes of the two-character pieces of search texts and notes (两个字的搜索)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

Most Chinese names are two characters, and pg_trgm takes no trigram from a two-character LIKE
pattern: "张丽" scanned all 100,000 search texts (about 60 ms). keben_bigrams(text) gives the distinct
two-character pieces of a search text — leaving out those that span two items (a newline) and those
of two ASCII letters, which a query never needs: a query of letters matches at the start of an item,
"\\n" + query, three characters the trigram index serves — and a GIN index over it answers
`keben_bigrams(search_text) @> ARRAY['张丽']` from the index (services.customer_query.text_condition).
Notes the same, over lower(body) (the notes side of a search ignores letter case): "熟普" in 500,000
notes took 0.5 s, 47 ms with the index (24 MB, built in about 11 s).

SQLite: nothing to do (its two-character search scans a narrow covering index, see 0007).
"""

from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# IMMUTABLE (an index needs it): the result depends on the argument alone. Keep in step with
# services.customer_query._bigram_query, which decides which queries may use the indexes.
FUNCTION = r"""
CREATE OR REPLACE FUNCTION keben_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT piece), '{}')
    FROM (SELECT substr(value, i, 2) AS piece FROM generate_series(1, length(value) - 1) AS i) AS pieces
    WHERE strpos(piece, E'\n') = 0 AND piece !~ '^[A-Za-z]{2}$'
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    op.execute("CREATE INDEX ix_customer_search_bigrams ON customer USING gin (keben_bigrams(search_text))")
    op.execute("CREATE INDEX ix_note_body_bigrams ON note USING gin (keben_bigrams(lower(body)))")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_note_body_bigrams")
    op.execute("DROP INDEX IF EXISTS ix_customer_search_bigrams")
    op.execute("DROP FUNCTION IF EXISTS keben_bigrams(text)")
