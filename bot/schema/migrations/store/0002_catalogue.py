"""The catalogue as a real shop's: departments and categories (parent, position, kinds of
product, accessories), products with descriptions, attributes and a quality score, and a
full-text index over each product's own text (SQLite FTS5, PostgreSQL tsvector + GIN).

The index's rows are derived data: ``bot.schema`` writes them after the upgrade from the
products (``bot.store.search.index_products``). Frozen history: the tables and statements
are spelled out here, not imported from the models; each step looks first, because a
database created by the models just before migrations existed already has it.

Revision ID: store_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "store_0002"
down_revision = "store_0001"
branch_labels = None
depends_on = None

SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE product_fts USING fts5(category, body, "
    "content='product_documents', content_rowid='product_id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='3 4 5')",
    "CREATE TRIGGER product_documents_ai AFTER INSERT ON product_documents BEGIN "
    "INSERT INTO product_fts(rowid, category, body) "
    "VALUES (new.product_id, new.category, new.body); END",
    "CREATE TRIGGER product_documents_ad AFTER DELETE ON product_documents BEGIN "
    "INSERT INTO product_fts(product_fts, rowid, category, body) "
    "VALUES ('delete', old.product_id, old.category, old.body); END",
    "CREATE TRIGGER product_documents_au AFTER UPDATE ON product_documents BEGIN "
    "INSERT INTO product_fts(product_fts, rowid, category, body) "
    "VALUES ('delete', old.product_id, old.category, old.body); "
    "INSERT INTO product_fts(rowid, category, body) "
    "VALUES (new.product_id, new.category, new.body); END",
)
POSTGRES_SEARCH = (
    "ALTER TABLE product_documents ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED",
    "CREATE INDEX ix_product_documents_search ON product_documents USING gin (search_vector)",
)


def _categories(columns: set) -> None:
    if "parent_slug" not in columns:
        if op.get_bind().dialect.name == "sqlite":
            # SQLite adds a column with a reference, but no constraint to a table.
            op.execute("ALTER TABLE categories ADD COLUMN parent_slug VARCHAR(40) "
                       "REFERENCES categories (slug)")
        else:
            op.add_column("categories", sa.Column("parent_slug", sa.String(40)))
            op.create_foreign_key("categories_parent_slug_fkey", "categories", "categories",
                                  ["parent_slug"], ["slug"])
        op.create_index("ix_categories_parent_slug", "categories", ["parent_slug"])
    for name, kind, default in (("position", sa.Integer, "0"), ("types", sa.Text, "{}"),
                                ("accessory_for", sa.Text, "")):
        if name not in columns:
            op.add_column("categories", sa.Column(name, kind, nullable=False,
                                                  server_default=default))


def _products(columns: set, indexes: set) -> None:
    if "description" not in columns:
        op.add_column("products", sa.Column("description", sa.Text, nullable=False,
                                            server_default=""))
    if "quality" not in columns:
        op.add_column("products", sa.Column("quality", sa.Float, nullable=False,
                                            server_default="0"))
    if "ix_products_category_slug" in indexes:
        op.drop_index("ix_products_category_slug", "products")
    for name, columns_ in (("ix_products_category_price", ["category_slug", "price"]),
                           ("ix_products_category_quality", ["category_slug", "quality"])):
        if name not in indexes:
            op.create_index(name, "products", columns_)


def _product_tables(tables: set) -> None:
    if "product_attributes" not in tables:
        op.create_table(
            "product_attributes",
            sa.Column("product_id", sa.Integer, sa.ForeignKey("products.id"), primary_key=True),
            sa.Column("name", sa.String(40), primary_key=True),
            sa.Column("value", sa.String(60), primary_key=True),
        )
    if "product_documents" not in tables:
        op.create_table(
            "product_documents",
            sa.Column("product_id", sa.Integer, sa.ForeignKey("products.id"), primary_key=True),
            sa.Column("category", sa.String(60), nullable=False),
            sa.Column("body", sa.Text, nullable=False),
        )
        dialect = op.get_bind().dialect.name
        for statement in {"sqlite": SQLITE_SEARCH, "postgresql": POSTGRES_SEARCH}.get(dialect,
                                                                                      ()):
            op.execute(statement)


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    _categories({column["name"] for column in inspector.get_columns("categories")})
    _products({column["name"] for column in inspector.get_columns("products")},
              {index["name"] for index in inspector.get_indexes("products")})
    _product_tables(set(inspector.get_table_names()))
