"""Excel/CSV imports: one pipeline that every import plugs into with a column map and a row check.

    upload guard → parse once (``xlsx``, or csv) → typed rows → checks per column → the kind's database
    checks → preview kept with the job → confirm → apply in batches, in one transaction → result and error
    workbook; the job's progress and bookkeeping, and deleting what it kept of the upload, are the pipeline's.

``reading``   the guard (wagewatch.lib.uploads) and the one read of the file (``Table``)
``xlsx``      the streaming .xlsx reader (standard library; a chunk in memory, values as python-calamine's)
``cells``     column types: Text, Date, Month, Number, yes_no, mobile, Choice (any callable ``cell -> value``)
``kinds``     ``Column``, ``ImportKind`` and ``parse``: header row, typed values, per-column and row checks
``pipeline``  preview → confirm → run, progress, preview rows, error workbook, file cleanup
``template``  the .xlsx template of a kind, from its columns (``Column.example`` / ``note``; a 说明 sheet)

How to add an import (wages/imports.py, the pay sheet 工资支付表 and attendance 考勤, are the latest):

1. Add its kind to ``ImportJob.Kind`` (projects/models.py; a migration for the choice).
2. In the app that owns the data, subclass ``kinds.ImportKind``:
   - ``columns``: a ``Column(key, headers, type)`` per field: the header texts it is known by (the first names
     it in messages), its type (``cells.Text(50)``, ``cells.Date(required=...)``, ``cells.Choice(...)``, a
     function), ``mask`` for personal numbers, ``unique`` for a field that may not repeat in the file, and
     whether formula cells count by their value (``formula_cells=True``: amounts on a pay sheet) and
     formula-like text is refused (``formula_text``, default True);
   - ``identify``: the fields whose headers make a row the header row (it may sit below title rows, as on a
     pay sheet; the first ``HEADER_SCAN_ROWS`` rows are searched), ``header_missing``, ``required_columns``
     (a tuple in it: one of these columns will do);
   - ``aside(number, values, parsed)``: a row that is not data (a 合计 totals row), kept out of the rows;
   - ``check_row(row, error)``: cross-field checks and derived values (``error(key, reason)``);
   - ``check(job, parsed)``: database checks at preview, nothing written; return a ``Check`` (errors,
     warnings, created, updated) and note on the rows what the preview page should show;
   - ``apply(job, parsed, progress)``: write ``parsed.rows`` in ``pipeline.batches`` (COPY through
     wagewatch.lib.copy for the big tables), call ``progress(percent)``, return (created, updated); raise
     ``Refused(errors, reason)`` to save nothing. The pipeline wraps it in one transaction. A kind whose
     files run long (the roster) sets ``streams``: its ``apply`` gets the kept rows as an iterable read from
     the preview's file a batch at a time and walks them once (``pipeline.batches``), holding one batch.
3. ``pipeline.register(KIND)`` in the app's ``AppConfig.ready()``.
   A workbook of several sheets (the go-live workbook, golive/imports.py) is a ``kinds.WorkbookKind``: a
   ``Sheet(name, kind)`` per sheet, each an ``ImportKind`` with its columns and ``check_row``; the workbook is
   read once, a sheet it lacks means no rows of that kind, rows carry their "sheet", errors name it, and
   ``pipeline.error_sheets`` gives the error workbook a sheet per sheet.
   A batch of files of one kind (many rosters at once, projects/imports_batch.py) is a ``kinds.FilesKind``
   with its ``part`` kind: ``pipeline.preview_files`` parses every file and every sheet of a workbook as a
   part named "file" or "file／sheet"; a part that cannot be read is that part's error (row 0), not the
   batch's; ``check`` gives ``Check.parts`` (what each part holds) and the error workbook starts with a
   summary of every error.
4. Views: build ``ImportJob(kind=..., created_by=user, <scope>)`` and call ``pipeline.preview``; confirm with
   ``pipeline.confirm``; list ``pipeline.preview_rows``, poll ``pipeline.progress``, serve
   ``pipeline.error_sheet``. An import into a project needs only its upload view (``preview_or_refuse``) and
   an ``ImportPages`` entry in ``projects.views_import.IMPORT_PAGES``: those pages do the rest. The Celery
   task (projects.tasks.run_import) runs every kind.
"""
