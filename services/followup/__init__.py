"""Following a complaint up after the draft: filing, check-ins on the channel's deadlines, escalation.

feature.py assembles the handlers (filing.py, checkin_buttons.py, escalation_buttons.py, timezone.py) and the
Composer (composer.py) that the reminder loop (scheduler.py) asks about each due reminder. The pure
parts: what to ask and when (checkins.py, due.py), where to escalate (escalation.py), texts.py.
"""
from services.followup.feature import FollowUp

__all__ = ["FollowUp"]
