"""Messages of ``hub digest --schedule github`` (a digest where no machine is always on), in
English and Simplified Chinese."""

from __future__ import annotations

SCHEDULE_MESSAGES: dict[str, dict[str, str]] = {
    "digest_workflow_hint": {
        "en": "commit the workflow to .github/workflows/hub-digest.yml and your config.toml (and, to rank by your "
              "library, a copy of your library file hub.library.db) to {folder}/ in the repository; it runs at "
              "{at} UTC; set the secrets it uses (Settings > Secrets and variables > Actions): {secrets}",
        "zh": "把工作流提交为 .github/workflows/hub-digest.yml，并把 config.toml（若要按文库排序，再加上文库文件 "
              "hub.library.db 的副本）提交到仓库的 {folder}/ 中；运行时刻为 UTC {at}；在 Settings > Secrets and "
              "variables > Actions 中设置它用到的机密：{secrets}"},
    "digest_workflow_written": {"en": "wrote {path}", "zh": "已写入 {path}"},
    "digest_workflow_unchanged": {"en": "{path} is already this workflow: unchanged",
                                  "zh": "{path} 已是这个工作流：未改动"},
    "digest_workflow_exists": {
        "en": "{path} already exists and differs from the workflow hub writes: not overwritten (compare it with "
              "hub digest --schedule github's output, then move it away and run again)",
        "zh": "{path} 已存在且与 hub 生成的工作流不同：未覆盖（请与 hub digest --schedule github 的输出比较，"
              "然后移走它再运行）"},
    "digest_workflow_foreign": {"en": "{path} was not written by hub: left as it is",
                                "zh": "{path} 不是 hub 写入的：保持原样"},
}
