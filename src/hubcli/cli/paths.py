"""``hub paths``: where hub keeps its configuration, database, library (and its backups), data and cache."""

import json

import typer

from hubcli.cli.context import OUT, STATE, t
from hubcli.cli.options import JsonOption


def paths_command(json_: JsonOption = False) -> None:
    paths = STATE.settings().paths
    items = {"config": str(paths.config_file), "database": str(paths.database), "library": str(paths.library),
             "backups": str(paths.backups), "data": str(paths.data_dir), "cache": str(paths.cache_dir)}
    if json_:
        OUT.data(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
        return
    labels = {"config": t("paths_config"), "database": t("paths_database"), "library": t("paths_library"),
              "backups": t("paths_backups"), "data": t("paths_data"), "cache": t("paths_cache")}
    OUT.data("".join(f"{labels[k]}\t{v}\n" for k, v in items.items()))


def register(app: typer.Typer) -> None:
    app.command("paths", help="cmd_paths")(paths_command)
