"""会员关怀 page: products, points, tiers, automatic tags and the care log, one tab each."""
