"""English scam texts (US/UK): the kinds the FTC and Action Fraud warn about are flagged, with the cue that
names the request; English marketing and ordinary notices are not. The measured rates on the labelled
English set are in bench/fraud.py (parts en-development and en-held-out).

The texts below are written for these tests (they are not rows of the bench set, so its held-out part
stays unseen by the tests too).
"""

import pytest

from engine.reading import classify

FRAUD = {
    "parcel address update": ("Royal Mail: we could not deliver your parcel, the address is incomplete. Update it at rm-parcel-help.top", "link_action"),
    "parcel customs fee": ("UPS: your package is held at customs. Pay the $1.75 import duty at ups-duty.info to release it.", "link_action"),
    "locked bank account": ("HSBC: your account is locked after suspicious activity. Call us immediately on 0800 555 0133.", "urgent_call"),
    "safe account": ("Your savings are at risk. Our fraud team will help you move your money to a safe account today.", "safe_account"),
    "hi mum": ("Hi Mum, my phone broke, this is my new number. Can you send me £420 for the rent? I'll pay you back.", "money_request"),
    "grandparent": ("Grandpa it's me, I was arrested after a crash and need money for bail. Please don't tell Mum.", "money_request"),
    "tax refund": ("HMRC: you are owed a tax rebate of £264.10. Claim your refund at hmrc-rebate-online.com", "link_action"),
    "tax threat": ("IRS: a warrant for your arrest has been issued for unpaid taxes. Call back immediately on 202-555-0119.", "crime_threat"),
    "unpaid toll": ("SunPass: unpaid toll balance of $5.40. Pay now at sunpass-due.xyz to avoid a $40 late fee.", "link_action"),
    "order callback": ("Amazon: your order of a Dyson V15 ($649.99) has been placed. If you did not place this order, call 1-888-555-0150.", "order_callback"),
    "boss gift cards": ("It's Mark, the CEO. I'm in a meeting. Buy six $100 Apple gift cards and send me photos of the codes.", "gift_cards"),
    "crypto": ("Our bitcoin trading team guarantees 20% weekly returns. Deposit $300 to start today.", "invest_lure"),
    "code back": ("Sorry, I sent my verification code to your number by mistake, can you send it back to me?", "verify_code"),
    "remote access": ("This is Microsoft. Your PC has a virus. Download AnyDesk so our technician can fix it remotely.", "remote_app"),
    "task job": ("Remote job: earn $400 a day rating products. Top up your account to unlock the next tasks.", "task_rebate"),
    "prize fee": ("Congratulations! You have won a £750 Argos voucher. Pay the £2.99 delivery fee at argos-winner.top", "link_action"),
}


@pytest.mark.parametrize(("text", "cue"), FRAUD.values(), ids=FRAUD.keys())
def test_english_scam_texts_are_fraud_with_the_cue_that_names_the_request(text: str, cue: str) -> None:
    verdict = classify(text)
    assert verdict.kind == "fraud", verdict
    assert cue in verdict.reasons, verdict.reasons


NOT_FRAUD = {
    "sale": "Spend £50 and get £10 off at Nimbus Outdoors this weekend. Reply STOP to opt out.",
    "restaurant": "Burger Barn: 2-for-1 burgers every Monday! Show this text. Txt STOP to end.",
    "one-time code": "Your Microsoft security code is 739204. Never share this code with anyone.",
    "bank alert": "Barclays: a payment of £12.99 to Spotify was made from your account. No action needed.",
    "delivery notice": "Your DPD parcel will arrive today between 13:00 and 14:00. Track it in the DPD app.",
    "bill": "Your phone bill of $45.00 is ready and will be paid automatically on Dec 15.",
    "appointment": "Reminder: eye test at Specsavers on Mon 8 Dec at 9:40. Reply YES to confirm.",
    "family": "Hi Dad, running late, be home by 7. Can you feed the cat?",
}


@pytest.mark.parametrize("text", NOT_FRAUD.values(), ids=NOT_FRAUD.keys())
def test_english_marketing_and_notices_are_not_fraud(text: str) -> None:
    assert classify(text).kind != "fraud", classify(text)


def test_english_marketing_is_recognised_as_marketing() -> None:
    assert classify(NOT_FRAUD["sale"]).kind == "spam" and classify(NOT_FRAUD["restaurant"]).kind == "spam"


def test_the_names_of_who_they_claim_to_be_never_decide_a_verdict() -> None:
    # Weight 0: "Mum", "the CEO", "HMRC" or a bank's name alone is no fraud.
    for text in ("Hi Mum, see you on Sunday", "Message from the CEO: happy holidays to all staff",
                 "HMRC: your tax account is now available online", "Chase: your statement is ready"):
        assert classify(text).kind != "fraud", text
