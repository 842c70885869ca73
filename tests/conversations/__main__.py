"""Play scenario files and print each transcript: ``python -m tests.conversations
[FILE ...] [--name NAME] [--failed]`` (all of dev/ by default). Starts its own product."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests.conversations.product import ConversationProduct
from tests.conversations.runner import HERE, Player, load, pass_rates


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--name", help="only the conversation of this name")
    parser.add_argument("--failed", action="store_true", help="print failed ones only")
    args = parser.parse_args()
    files = args.files or sorted((HERE / "dev").glob("*.yml"))
    conversations = [c for f in files for c in load([f], f.parent.name)
                     if args.name in (None, c.name)]
    with tempfile.TemporaryDirectory() as runtime:
        product = ConversationProduct(Path(runtime))
        product.start()
        player = Player(product.settings, product.template_store)
        try:
            results = [player.play(c) for c in conversations]
        finally:
            player.close()
            product.stop()
    for result in results:
        if args.failed and result.passed:
            continue
        mark = "PASS" if result.passed else "FAIL"
        print(f"== {mark} {result.conversation.source}:{result.conversation.name}"
              f" (cause {result.conversation.cause})")
        print(*result.transcript, *[f"!! {f}" for f in result.failures], sep="\n", end="\n\n")
    for part, (passed, played) in pass_rates(results).items():
        print(f"{part}: {passed}/{played} passed")
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
