"""Excel in the app: the import wizard, the import history (undo), exports and templates.

Entry points for pages (each imports lazily what it needs):
    ui.excel.import_wizard.open_import_wizard(ctx, parent, kind="customers")
    ui.excel.history.open_import_history(ctx, parent)
    ui.excel.export_actions.export_customer_list(ctx, parent, flt, columns, sort, descending)
    ui.excel.export_actions.export_template(ctx, parent, kind)
    ui.excel.export_actions.customers_excel_button(ctx, customers_page)

The wizard's steps: wizard_pages (选择文件, 工作表和表头), mapping_page (对应列),
preview_model (预览: the model over every row and its page), run_page (导入 and the summary).
"""
