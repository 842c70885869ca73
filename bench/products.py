"""Product suggestions on a big shop: a suggestion query at 100,000 products.

`python -m bench.products` (run by `make bench` after the load benchmark): the demo shop is
seeded, then generated products (variants of the demo catalogue's, with their own prices,
ratings, stock, attributes and search documents) fill it up to the wanted count with bulk
inserts. The SQLite store is kept under ``runtime/bench/`` and the PostgreSQL database as it
is, reused while they hold the wanted count. Each timed call is what the action does: read
the request against the shop's categories and suggest one page, in one unit of work. The
requests are those of the relevance sets (tests/products/*.yml). Results go between the
product markers of docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, Iterator, List

import yaml
from sqlalchemy import func, inspect, select

from bench.report import write_between_markers
from bench.stats import Summary
from bench.store import analyze, kept_postgres, kept_sqlite
from bot.database.engine import Database
from bot.schema import seed_demo
from bot.settings import PROJECT_ROOT, get_settings
from bot.store.models import Product, ProductAttribute, ProductDocument, StoreBase
from bot.store.products import read_request, suggest
from bot.store.search import quality

DOC = PROJECT_ROOT / "docs" / "performance.md"
BEGIN = "<!-- bench:products:begin (written by `python -m bench.products`) -->"
END = "<!-- bench:products:end -->"
REQUESTS = [PROJECT_ROOT / "tests" / "products" / f"{name}.yml" for name in ("dev", "heldout")]
FIRST_ID = 1_000_000
BATCH = 5_000
TARGET_MS = 20.0


def _texts() -> List[str]:
    return [case["text"] for path in REQUESTS
            for case in yaml.safe_load(path.read_text("utf-8"))]


def _generated(database: Database) -> int:
    if not inspect(database.engine).has_table(Product.__tablename__):
        return 0
    with database.unit_of_work() as session:
        return session.execute(select(func.count(Product.id))).scalar_one()


def _rows(templates: List[Dict[str, Any]], count: int, rng: random.Random
          ) -> Iterator[Dict[str, List[Dict[str, Any]]]]:
    """Batches of generated products: a demo product's kind, words and attributes, with a
    series number of its own, a price within 35 % of it, and ratings and stock of its own."""
    batch: Dict[str, List[Dict[str, Any]]] = {"products": [], "attributes": [], "documents": []}
    for index in range(count):
        template = templates[index % len(templates)]
        number = FIRST_ID + index
        series = f"Seri {index // len(templates) + 2}"  # the demo product is series 1
        price = (template["price"] * Decimal(str(rng.uniform(0.65, 1.35)))).quantize(
            Decimal("0.01"))
        rating, count = round(rng.uniform(3.3, 5.0), 1), rng.randint(0, 6000)
        batch["products"].append({
            "id": number, "sku": f"BN-{number}", "name": f"{template['name']} {series}",
            "category_slug": template["category_slug"], "brand": template["brand"],
            "price": price, "stock": 0 if rng.random() < 0.1 else rng.randint(1, 200),
            "rating": rating, "rating_count": count, "quality": quality(rating, count),
            "tags": template["tags"], "description": template["description"]})
        batch["attributes"] += [{"product_id": number, "name": name, "value": value}
                                for name, value in template["attributes"]]
        batch["documents"].append({"product_id": number, "category": template["category"],
                                   "body": f"{template['body']} {series.lower()}"})
        if len(batch["products"]) >= BATCH:
            yield batch
            batch = {"products": [], "attributes": [], "documents": []}
    if batch["products"]:
        yield batch


def _fill(database: Database, total: int) -> None:
    """Bulk-insert generated products up to ``total`` (SQLAlchemy Core, executemany)."""
    with database.unit_of_work() as session:
        documents = {d.product_id: d for d in session.execute(select(ProductDocument)).scalars()}
        attributes: Dict[int, List[tuple]] = {}
        for row in session.execute(select(ProductAttribute)).scalars():
            attributes.setdefault(row.product_id, []).append((row.name, row.value))
        templates = [{"name": p.name, "category_slug": p.category_slug, "brand": p.brand,
                      "price": p.price, "tags": p.tags, "description": p.description,
                      "attributes": attributes.get(p.id, []),
                      "category": documents[p.id].category, "body": documents[p.id].body}
                     for p in session.execute(select(Product).order_by(Product.id)).scalars()]
    tables = StoreBase.metadata.tables
    with database.engine.begin() as connection:
        for batch in _rows(templates, total - len(templates), random.Random(15)):
            connection.execute(tables["products"].insert(), batch["products"])
            connection.execute(tables["product_attributes"].insert(), batch["attributes"])
            connection.execute(tables["product_documents"].insert(), batch["documents"])


def _build(database: Database, total: int) -> None:
    tz = get_settings().timezone
    seed_demo(database, datetime.now(tz).date(), tz)
    _fill(database, total)
    analyze(database)


def sqlite_catalogue(folder: Path, total: int) -> Database:
    return kept_sqlite(folder / f"products-{total}.db", f"{total:,} products",
                       lambda database: _build(database, total))


def postgres_catalogue(url: str, total: int) -> Database:
    return kept_postgres(url, f"{total:,} products",
                         lambda database: _generated(database) == total,
                         lambda database: _build(database, total))


def suggestion_times(database: Database, rounds: int) -> List[float]:
    """Seconds per suggestion query, as the action makes it, over the relevance requests."""
    texts = _texts()
    for request_text in texts:  # the first calls fill caches and the connection pool
        with database.unit_of_work() as session:
            suggest(session, read_request(session, request_text))
    times = []
    for _ in range(rounds):
        for request_text in texts:
            started = time.perf_counter()
            with database.unit_of_work() as session:
                suggest(session, read_request(session, request_text))
            times.append(time.perf_counter() - started)
    return times


def markdown(results: Dict[str, Any]) -> str:
    rows = [f"| {backend} | {s['count']:,} | {s['p50_ms']:.1f} | {s['p95_ms']:.1f} | "
            f"{s['p99_ms']:.1f} | {'yes' if s['p95_ms'] < TARGET_MS else '**no**'} |"
            for backend, s in results["backends"].items()]
    return "\n".join([
        f"### Product suggestions at {results['products']:,} products",
        "",
        f"Each call reads one of the {results['requests']} requests of the relevance sets and "
        "suggests one page, in one unit of work, as the action does "
        f"({results['rounds']} rounds; {results['machine']}).",
        "",
        "| backend | calls | p50 ms | p95 ms | p99 ms | p95 < 20 ms |",
        "|---|---|---|---|---|---|",
        *rows, ""])


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.products", description=__doc__)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/"
                        "asistan_bench_products", help="'' to skip PostgreSQL")
    parser.add_argument("--doc", type=Path, default=DOC)
    parser.add_argument("--wait-quiet", type=float, default=0.0, metavar="MINUTES",
                        help="first wait up to MINUTES for load < 0.5 and no tests/trainings")
    args = parser.parse_args(argv)
    from bench import machine

    if args.wait_quiet:
        machine.wait_for_quiet(args.wait_quiet)
    folder = get_settings().runtime_dir / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    stores = {"SQLite": lambda: sqlite_catalogue(folder, args.products)}
    if args.postgres_url:
        stores["PostgreSQL"] = lambda: postgres_catalogue(args.postgres_url, args.products)
    info = machine.describe()
    results: Dict[str, Any] = {
        "products": args.products, "rounds": args.rounds, "requests": len(_texts()),
        "machine": (f"{info['cpu_model']}, {info['cores']} cores, 1-min load at start "
                    f"{info['load_at_start'][0]:.2f}, commit {info['commit']}"),
        "backends": {}}
    for backend, open_store in stores.items():
        database = open_store()
        summary = Summary.of(suggestion_times(database, args.rounds)).as_dict()
        database.dispose()
        results["backends"][backend] = summary
        print(f"products {backend:<10} p50 {summary['p50_ms']:.2f} ms  "
              f"p95 {summary['p95_ms']:.2f} ms", flush=True)
    (folder / "results-products.json").write_text(json.dumps(results, indent=2), "utf-8")
    write_between_markers(args.doc, markdown(results), BEGIN, END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
