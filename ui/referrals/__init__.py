"""转介绍 page: records, campaigns, the KOC leaderboard, rewards owed, and the referral tree."""

from ui.referrals.page import ReferralsPage

__all__ = ["ReferralsPage"]
