"""Excel in and out: reading spreadsheets, the import engine with undo, exports and templates."""
