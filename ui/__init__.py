"""Qt only: the main window, one package per page, item models, dialogs and background workers."""
