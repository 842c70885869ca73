"""``python -m bot.server run ...``: Rasa's command line, extended (see the package doc)."""

from bot.server.commands import read_commands_as_text
from bot.server.fixes import apply_runtime_fixes
from bot.server.turns import keep_turns_answered
from bot.text.logs import mask_every_log


def main() -> None:
    """``rasa`` with the extensions applied: same arguments, same behaviour otherwise."""
    from rasa.__main__ import main as rasa_main

    mask_every_log()
    apply_runtime_fixes()
    keep_turns_answered()
    read_commands_as_text()
    rasa_main()


if __name__ == "__main__":
    main()
