"""设置: WeChat accounts, tag groups, custom fields, appearance."""
