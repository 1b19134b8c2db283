"""客户: the customer list, its filters and the detail pane."""
