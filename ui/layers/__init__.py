"""分层: the layer charts page, the 设置 → 分层 thresholds, and the small layer widgets other pages use."""
