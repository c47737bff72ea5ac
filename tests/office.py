"""LibreOffice headless, the real spreadsheet/word-processor application the tests open our files in."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

# A user profile that recalculates every formula when an .xlsx is loaded (OOXMLRecalcMode 0 = always),
# so the live check cells show LibreOffice's own verdicts, not our cached ones.
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(src: Path, outdir: Path, target: str, profile: Path) -> Path:
    """Open `src` in LibreOffice and save it as `target` (e.g. "xlsx", "pdf", "docx") in outdir."""
    user = profile / "user"
    if not (user / "registrymodifications.xcu").exists():
        user.mkdir(parents=True, exist_ok=True)
        (user / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [soffice(), "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
           "--convert-to", target, "--outdir", str(outdir), str(src)]
    env = dict(os.environ, HOME=str(profile))
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180, env=env)
    out = outdir / (src.stem + "." + target.split(":")[0])
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"LibreOffice failed ({proc.returncode}): {proc.stdout}\n{proc.stderr}")
    return out


CSV_ALL_SHEETS = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def sheets_as_csv(sources: list[Path], outdir: Path, profile: Path) -> dict[Path, dict[str, list[list[str]]]]:
    """Open each source in LibreOffice with its DEFAULT settings (a fresh profile: no recalculation on
    load, so what shows is what the file stores) and read back every sheet as shown: source ->
    {sheet name: rows of cell texts}."""
    import csv
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [soffice(), "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
           "--convert-to", CSV_ALL_SHEETS, "--outdir", str(outdir), *map(str, sources)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=dict(os.environ, HOME=str(profile)))
    out = {}
    for src in sources:
        sheets = {}
        for f in outdir.glob(f"{src.stem}-*.csv"):
            with open(f, encoding="utf-8", newline="") as fh:
                sheets[f.stem[len(src.stem) + 1:]] = list(csv.reader(fh))
        if not sheets:
            raise RuntimeError(f"LibreOffice wrote no CSV for {src}: {proc.stdout}\n{proc.stderr}")
        out[src] = sheets
    return out
