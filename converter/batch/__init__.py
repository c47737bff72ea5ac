"""Stage 4: many inputs -> reports + 校验结果.xlsx, in parallel, with progress.

In: files and folders. Out: a :class:`~converter.batch.report.BatchReport` (one Task per input, its
:class:`~converter.batch.status.Status` and findings), and for build the Word reports and
校验结果.xlsx in the output folder. Order: inputs.py (which files) → pipeline.py (the one place that
runs read → check → render on one file, in worker processes from workers.py) → outputs.py (final
names, written atomically, never overwriting another unit's) → results_xlsx.py (校验结果.xlsx,
streamed row by row through xlsx_stream.py).
"""
from converter.batch.report import BatchReport, Task
from converter.batch.run import build, check_files
from converter.batch.status import Status

__all__ = ["BatchReport", "Status", "Task", "build", "check_files"]
