"""Browser scripts the tests take from npm: the standard Rasa web client and axe-core.

Neither is shipped with Asistan, so they are not committed: `make test` (and the first
browser test that needs one) fetches each pinned version with `npm pack` into `.cache/npm/`
and checks the file's SHA-256, so a clean clone tests against exactly these builds.
``python -m tools.npm_assets`` fetches them all.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.settings import PROJECT_ROOT

CACHE = PROJECT_ROOT / ".cache" / "npm"


@dataclass(frozen=True)
class NpmAsset:
    package: str
    version: str
    file: str  # inside the package
    sha256: str

    @property
    def path(self) -> Path:
        return CACHE / f"{self.package}-{self.version}" / Path(self.file).name


# The web client many Rasa shops embed, as a <script> (UMD build, window.WebChat).
RASA_WEBCHAT = NpmAsset("rasa-webchat", "1.0.1", "lib/index.js",
                        "bfedd788e4bd7df12f64b5bf2963e634f84bac1cb176b6cede60c507d3553f1e")
AXE_CORE = NpmAsset("axe-core", "4.10.2", "axe.min.js",
                    "b511cd9dec01c76f4b2ad1723b66b6db37d4c2eb4ed199076e1829d9ee7b75e3")
ASSETS = (RASA_WEBCHAT, AXE_CORE)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ensure(asset: NpmAsset) -> Path:
    """The asset's file, fetched from npm the first time; a changed file is an error."""
    if not asset.path.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is missing: `apt-get install npm`")
        with tempfile.TemporaryDirectory() as folder:
            subprocess.run([npm, "pack", "--silent", f"{asset.package}@{asset.version}"],
                           cwd=folder, check=True, capture_output=True, timeout=300)
            tarball = next(Path(folder).glob("*.tgz"))
            with tarfile.open(tarball) as archive:
                member = archive.extractfile(f"package/{asset.file}")
                if member is None:
                    raise RuntimeError(f"{asset.package} has no {asset.file}")
                fetched = Path(folder) / "asset"
                fetched.write_bytes(member.read())
            asset.path.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(fetched, asset.path)
    if _sha256(asset.path) != asset.sha256:
        raise RuntimeError(f"{asset.path} is not {asset.package} {asset.version} as pinned")
    return asset.path


def main() -> None:
    for asset in ASSETS:
        print(f"{asset.package} {asset.version}: {ensure(asset)}")


if __name__ == "__main__":
    main()
