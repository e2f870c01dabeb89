"""The student import (product.md 4.3 and the CLI of section 6): ONE service for the web wizard
and for ``mijnportfolio import-students``.

Flow: ``start_import`` (upload: the file is read once, refused as a whole or kept in the file
store) -> ``save_mapping`` -> ``save_resolutions`` (ambiguous or unknown references) ->
``preview`` -> ``run_import`` (all importable rows in one transaction). ``import_file`` does the
same in one go for the command line. Every step recomputes from the stored file and the stored
choices (``state.WizardState``), so a reload or a second tab shows the same thing.

Modules: ``wizard`` (the steps), ``command_line``, ``plan`` (what an import would do; reads
only), ``write`` (the bulk writes), ``state`` (what a run remembers, and an import's result).
"""
