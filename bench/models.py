"""The two models the benchmark serves: Asistan's, and Rasa's defaults on the same data.

Asistan's model is the one `make train` made for the current data. The baseline is what
`rasa init` would train (bench/rasa_default_config.yml) on the same domain and data; it is
trained once and kept under a name that hashes its config, domain and data.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Mapping

from bot.ops.model import model_path, rasa_train, training_files
from bot.settings import PROJECT_ROOT

DEFAULT_CONFIG = Path(__file__).with_name("rasa_default_config.yml")


def asistan_model(model_dir: Path) -> Path:
    """The trained model for the current data; `make bench` trains it first (`make train`)."""
    model = model_path(model_dir)
    if not model.exists():
        raise SystemExit(f"No model for the current data ({model.name}): run `make train`.")
    return model


def rasa_init_model(model_dir: Path, env: Mapping[str, str]) -> Path:
    """Rasa's default pipeline and policies on our domain and data; trained if missing."""
    digest = hashlib.sha256()
    for path in [DEFAULT_CONFIG, *training_files(PROJECT_ROOT, ["domain.yml", "data"])]:
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(path.read_bytes())
    name = f"rasa-init-{digest.hexdigest()[:12]}"
    target = model_dir / f"{name}.tar.gz"
    if not target.exists():
        print(f"Training Rasa's defaults once on our data for comparison ({name})...",
              flush=True)
        rasa_train(["--config", str(DEFAULT_CONFIG), "--domain", "domain.yml", "--data", "data",
                    "--out", str(model_dir), "--fixed-model-name", name], env)
    return target
