"""朋友圈: the Moments planner page (calendar, list, editor, 发布助手, results, reports)."""
