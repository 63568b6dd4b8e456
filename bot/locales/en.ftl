## Common
points = { $count ->
    [one] { $count } point
   *[other] { $count } points
}
btn-skip = Skip
btn-cancel = Cancel
not-set = not set
press-button-hint = Please press one of the buttons above.
text-expected = Please answer with text.

## Start
start-welcome =
    Hello! 👋 This is the { $business } loyalty program.
    Collect points with every purchase and get rewards — signing up takes a minute.
start-returning =
    Welcome back, { $name }! Good to see you again.
start-returning-buyer =
    Welcome back, { $name }! You have { points } on your card.
start-onboarding =
    Let's continue where we left off.
start-declined-again =
    You declined data processing earlier. If you have changed your mind, let's continue.

## Onboarding
onboarding-consent =
    To issue your card we need your consent to process personal data: your name, phone and purchase history. We use it only for the loyalty program and never share it.
btn-consent-yes = ✅ I agree
btn-consent-no = No, thanks
btn-policy = 📄 Privacy policy
onboarding-declined =
    Understood. We have not kept your data and will not message you. If you change your mind, press /start.
onboarding-marketing =
    May we send you personal offers and news? A couple of times a month at most. You can change this any time in Settings.
btn-marketing-yes = 🔔 Yes, please
btn-marketing-no = No, thanks
onboarding-name =
    What should we call you? Press the button if the name is right, or type another one.
btn-name-keep = ✅ { $name }
onboarding-phone =
    Share your phone number — staff will find you by it at the till. Press the button below or type the number.
onboarding-phone-optional =
    Share your phone number — staff will find you by it at the till. Press the button below, type the number or skip this step.
btn-share-phone = 📱 Share my phone number
onboarding-phone-foreign-contact =
    That is someone else's contact. Please send your own number with the "Share my phone number" button.
onboarding-phone-input-hint =
    Please press "Share my phone number" or type the number, e.g. +7 999 123-45-67.
onboarding-phone-taken =
    This number is already linked to another Telegram account. Please give another number or ask a member of staff.
onboarding-phone-needs-verification =
    This number is already in our records. To confirm it is yours, press "Share my phone number".
onboarding-phone-needs-staff =
    This number is already on another card in our records. Show both cards to a member of staff to have them combined; meanwhile you can give another number.
onboarding-phone-merged =
    We found you in our records by your phone number — your purchase history is kept.
onboarding-phone-saved = Thank you, the number is saved.
onboarding-card-ready = Done! Your loyalty card is issued 🎉
onboarding-welcome-bonus = { points } have been added to your card as a gift.
onboarding-phone-skipped = All right, we'll go on without a phone number. You can add it later in your profile.

## Validation
invalid-name_empty = The name cannot be empty. Please write what we should call you.
invalid-name_too_long = That is too long — a name can be at most 64 characters.
invalid-name_no_letters = A name needs at least one letter.
invalid-phone_invalid = I could not read that number. Type it like +7 999 123-45-67 or press "Share my phone number".
invalid-date_invalid = I could not read that date. Write it like 25.12.1990.
invalid-date_in_future = That date has not come yet. Please check the year.
invalid-date_too_old = The year looks like a typo. Write the date like 25.12.1990.
invalid-city_invalid = Please write the city name in letters, e.g. London.
invalid-email_invalid = That does not look like an e-mail. Example: anna@example.com
invalid-text_empty = The answer cannot be empty. Please write it as text.
invalid-text_too_long = That is too long — at most { $max } characters.
invalid-number_invalid = That does not look like a number. Please write digits only, e.g. 3.
invalid-number_not_integer = A whole number, please, e.g. 2.
invalid-number_out_of_range = A number from { $min } to { $max }, please.
invalid-date_out_of_range = A date from { $from } to { $to }, please.
invalid-scale_out_of_range = A score from { $min } to { $max }, please — press a button.
invalid-option_unknown = That is not one of the options — please press one of the buttons.
invalid-choose_at_least_one = Tick at least one option, then press "Done".
invalid-press_button = Please press one of the buttons.
invalid-text_expected = Please answer with text.

## Card
card-caption =
    💳 Card { $number }
    Balance: { points }
    Tier: { $tier }
card-next-tier = Spend { $amount } more to reach { $tier }.
card-tier-basis = Tiers count purchases over the last { $months } months.
card-top-tier = You are at the top tier 👑
card-not-issued = Your card is not issued yet. Press /start to finish signing up.
tier-base = Base
tier-silver = Silver
tier-gold = Gold

## Menu
menu-card = 💳 My card
menu-history = 📜 History
menu-profile = 👤 Profile
menu-invite = 🎁 Invite a friend
menu-settings = ⚙️ Settings
menu-data = 🗂 My data

## History
history-empty = No purchases or points yet.
history-title = 📜 History (page { $page } of { $pages }):
history-entry = { $date } · { $sign }{ $points } · { $what }
history-kind-WELCOME = welcome bonus
history-kind-REFERRAL = friend bonus
history-kind-PURCHASE = purchase
history-kind-REDEEM = redeemed
history-kind-ADJUSTMENT = adjustment
history-kind-EXPIRE = points expired
history-kind-BIRTHDAY = birthday bonus
history-kind-EVENT = event bonus
history-kind-REVERSAL = reversal
history-purchase = purchase of { $amount }
btn-prev = ◀️ Back
btn-next = Next ▶️

## Profile
profile-title = 👤 Your profile
profile-field-name = Name
profile-field-phone = Phone
profile-field-birthday = Birthday
profile-field-gender = Gender
profile-field-city = City
profile-field-email = E-mail
profile-field-interests = Interests
profile-field-family_status = Family status
profile-field-children = Children
profile-field-health_consent = Consent to health questions
profile-edit-hint = What would you like to change?
profile-saved = Saved ✅
profile-edit-cancelled = Change cancelled.
answer-yes = Yes
answer-no = No
ask-question-changed = This question has changed or is no longer asked. Please open "Profile" again.

## Invite
invite-text =
    Invite a friend with your personal link — when they get their card, you receive { points }.
    Your link: { $link }

btn-invite-share = 📤 Send to a friend
invite-share-text = Join the { $business } loyalty program and get bonus points!

## Settings
settings-view =
    ⚙️ Settings
    Language: English
    Offers and news: { $marketing ->
        [yes] on
       *[no] off
    }
    Questions from us: { $questions ->
        [yes] on
       *[no] off
    }
btn-language-ru = 🇷🇺 Русский
btn-language-en = 🇬🇧 English
btn-marketing-on = 🔔 Receive offers
btn-marketing-off = 🔕 Unsubscribe from offers
settings-language-changed = Language set to English.
settings-marketing-on = You are subscribed to offers and news.
settings-marketing-off = You have unsubscribed from offers. Service messages (points, receipts) will still arrive.
btn-questions-on = 💬 Questions from us: turn on
btn-questions-off = 🤫 Questions from us: turn off
settings-questions-on = All right, now and then we will ask a question to get to know you better.
settings-questions-off = We will not ask you questions any more. You can change this here, in "Settings".

## My data
data-view =
    🗂 Your data. You can get everything we keep about you, or delete it.
btn-data-export = 📄 Export my data
btn-data-delete = 🗑 Delete my data
data-export-summary =
    What we keep about you:
    Name: { $name }
    Phone: { $phone }
    Birthday: { $birthday }
    City: { $city }
    E-mail: { $email }
    Card: { $card }, { points }
    Purchases: { $purchases }
    Consent to data processing: { $consentAt }
    Offers and news: { $marketing ->
        [yes] yes
       *[no] no
    }
    Events in your history: { $events }
    Everything in full is in the file below.
data-export-caption = All the data we keep about you.
data-delete-confirm =
    Delete your data? We will erase your name, phone, answers and message history; the card will be closed and its points lost. This cannot be undone.
btn-data-delete-confirm = Yes, delete everything
data-deleted = Your data has been deleted. Thank you for being with us! If you want to come back, press /start.
data-delete-cancelled = All right, nothing is deleted.

## Help
help-customer =
    Everything is in the menu below: your card with a QR code for the till, rewards for points, points history, profile, inviting friends, settings and your data.
    /start — back to the beginning.
help-newcomer =
    This is a loyalty program bot: a card that collects points with purchases and gifts. Press /start to get your card.

## Errors
error-generic = Something went wrong. We are looking into it — please try again a little later.

## Unhandled
unhandled-text = I don't understand this message yet. Choose a menu item or press /start.
unhandled-callback = This button is out of date.

## Referral
referral-credited = Your friend got their card — { points } have been added to yours! 🎉

## Points by hand and for events (sent to the customer)
points-event-credited = 🎁 You've got { points } { $type ->
    [review_left] — thank you for your review!
   *[other] — a bonus for "{ $label }".
}
points-adjusted-credited =
    🎁 You've got { points }.
    Note: { $reason }

## Birthday and expiry
birthday-bonus =
    Happy birthday! 🎂
    Here is a gift from us: { points }, already on your card. Come and celebrate with us — we would love to see you!
expiry-warning = ⏳ { points } on your card will expire on { $day } { $month ->
        [1] January
        [2] February
        [3] March
        [4] April
        [5] May
        [6] June
        [7] July
        [8] August
        [9] September
        [10] October
        [11] November
       *[12] December
    } { $year }. Don't miss out!

## Staff
staff-role-OWNER = owner
staff-role-MANAGER = manager
staff-role-CASHIER = cashier
staff-joined =
    Welcome to the team, { $name }! Your role: { $role }.
    To find a customer, scan the QR code of their card with your phone's camera, or send their card number, phone or @username here.
    To receive customers' low scores after purchases and answer them, send /feedback_on.
staff-invite-unknown = There is no such invitation. Check the link or ask the owner for a new one.
staff-invite-used = This invitation has been used already. Ask the owner for a new one.
staff-invite-expired = This invitation has expired. Ask the owner for a new one.
staff-already = You are on the team already (role: { $role }).
staff-no-access = You no longer have access to staff functions.
staff-forbidden = Your role does not allow this.
staff-menu-find = 🔎 Find a customer
staff-menu-customer-mode = 💳 Me as a customer
menu-staff-mode = 🧑‍💼 Staff mode
staff-mode-on = Staff mode: send a customer's card number, phone or @username, or scan the QR code of their card.
staff-customer-mode-on = Customer mode: your own card and the customer menu.
staff-find-prompt = Scan the QR code of the customer's card with your phone's camera, or send their card number, phone or @username.
staff-not-found = No such customer. Check the number, the phone or the username.
staff-bad-card-number = There is no card with this number — check the digits.
staff-not-a-query = Send the customer's card number (12 digits), phone or @username.
staff-customer-view =
    👤 { $name }
    💳 { $card }
    Tier: { $tier } · Balance: { points }
    Purchases: { $purchases } · Last visit: { $lastVisit }
staff-customer-no-card =
    👤 { $name }
    No card yet: the customer has not finished signing up.
staff-own-card = This is your own card: purchases and points on it are recorded by another staff member.
btn-staff-purchase = 🧾 Purchase
btn-staff-refund = ↩️ Refund
btn-staff-adjust = ± Points
btn-staff-merge = 🔗 Merge cards

## Purchases and refunds (staff)
btn-confirm = ✅ Confirm
btn-no-category = No category
btn-spend-max = Spend { $max }
btn-spend-none = Don't spend
btn-refund-all = Refund all ({ $remaining })
btn-refund-partly-refunded = { $date } · { $amount } ({ $left } left)
staff-button-not-yours = This button is for staff only.
staff-purchase-amount = 🧾 Purchase for { $name }. Enter the amount, e.g. 1250 or 1250.50:
staff-amount-text-expected = Please send the amount as text, e.g. 1250.
staff-amount-not_a_number = That is not an amount I can read. Write a number, e.g. 1250 or 1250.50.
staff-amount-zero = The amount must be more than zero.
staff-amount-negative = The amount cannot be negative. Use "↩️ Refund" for refunds.
staff-amount-too_precise = At most two digits after the decimal point, e.g. 1250.50.
staff-amount-too_large = That is too much: at most { $max }. Check for extra digits.
staff-purchase-category = Choose the purchase category:
staff-purchase-points = The card has { $balance } points; up to { $max } can go toward this check (at most { $percent }% of it). How many to spend? Press a button or type a number.
staff-points-not-a-number = Type a whole number of points from 0 to { $max }.
staff-points-over-balance = The customer does not have that many points: at most { $max } can be spent.
staff-points-over-share = Points can pay at most { $percent }% of the check: that is { $max } points.
staff-purchase-preview =
    Check the purchase:
    👤 { $name } · 💳 { $card }
    Amount: { $amount } · Category: { $category }
    Points spent: { $spent } (−{ $discount })
    To pay: { $paid }
    Points to earn: { $earned }
staff-purchase-cancelled = Purchase cancelled, nothing recorded.
staff-purchase-recorded = ✅ Purchase of { $amount } recorded. Points earned: { $earned }, spent: { $spent }. Customer's balance: { $balance }.
staff-purchase-duplicate = This purchase is already recorded — it was not counted twice. Customer's balance: { $balance }.
staff-purchase-tier-up = 🎉 The customer reached the "{ $tier }" tier.
staff-purchase-stale = The customer's balance changed while the purchase waited for confirmation. Please start it again.
staff-purchase-failed = Could not record it: the data changed. Please start again.
staff-refund-choose = Which purchase is being refunded?
staff-refund-none = The customer has no purchases that can be refunded.
staff-refund-amount = Purchase of { $amount } on { $date }; up to { $remaining } can be refunded. Press "Refund all" or type the amount of a partial refund:
staff-refund-too-much = That is more than is left of the purchase: at most { $remaining }.
staff-refund-preview =
    Refund { $amount }?
    Points spent on it go back to the customer: { $returned }.
    Points it earned are taken off the card: { $reversed } (if already spent, as many as the card has).
staff-refund-cancelled = Refund cancelled, nothing recorded.
staff-refund-done = ↩️ Refund of { $amount } recorded. Points returned: { $returned }, taken back: { $taken }{ $unrecovered ->
        [0] {""}
       *[other] ; already spent and not taken back: { $unrecovered }
    }. Customer's balance: { $balance }.
staff-refund-duplicate = This refund is already recorded — it was not counted twice. Customer's balance: { $balance }.
staff-refund-already = This purchase has been refunded in full already.
staff-refund-stale = A refund was already recorded for this purchase, so less is left. Please start the refund again.

## Receipts and tiers (sent to the customer)
receipt-purchase = 🧾 Thank you for your purchase of { $amount }! Points earned: { $earned }. Balance: { $balance }.
receipt-purchase-spent = 🧾 Thank you for your purchase of { $amount }! Points spent: { $spent }, paid in money { $paid }. Points earned: { $earned }. Balance: { $balance }.
receipt-refund = ↩️ A refund of { $amount } was made. Points returned: { $returned }, earned points taken back: { $taken }. Balance: { $balance }.
tier-reached-silver = 🎉 Congratulations! Your new tier is "{ $name ->
        [none] { tier-silver }
       *[other] { $name }
    }". Purchases now earn { $percent }% back in points.
tier-reached-gold = 🎉 Congratulations! Your new tier is "{ $name ->
        [none] { tier-gold }
       *[other] { $name }
    }". Purchases now earn { $percent }% back in points.

## At the till: walk-in customers and merging cards (staff)
staff-menu-new-customer = ➕ New customer
walk-in-phone =
    Enter the customer's phone number in any usual format, e.g. +7 999 123-45-67 or 8 999 123 45 67.
walk-in-phone-hint = Please send the customer's phone number as text, e.g. +7 999 123-45-67.
walk-in-phone-invalid = That doesn't look like a phone number. Check the digits and try again, e.g. +7 999 123-45-67.
walk-in-exists = A customer with this number already exists — here is their card. No need for a new one.
walk-in-name = What is the customer's name? Type it or press "Skip".
walk-in-name-invalid = That doesn't look like a name. Type the customer's name in letters (up to 64 characters) or press "Skip".
walk-in-registered =
    ✅ Customer registered, card issued. They agreed to data processing verbally — they get no offers until they allow them in the bot themselves.
    When they open the bot and share this same number, the card, points and purchases stay theirs.
walk-in-welcome-bonus = { points } credited to the card as a welcome gift.
walk-in-cancelled = OK, registration cancelled.
merge-ask-other =
    Send the other card's number, or the customer's phone or @username. Its points and purchases move to this card, and it is closed.
merge-same = That is the same card. Send another card's number or a phone.
merge-preview =
    Merge these cards?

    Stays:
    { $kept }

    Will be closed:
    { $other }

    { points } and all purchases move to the card that stays. A merge cannot be undone.
btn-merge-confirm = ✅ Merge
merge-done = ✅ Cards merged. { points } moved over.
merge-already = These cards are already merged.
merge-cancelled = OK, merge cancelled.
merge-two-telegram = Each customer has their own Telegram account — they are two different people, so their cards are not merged.
merge-closed = One of these cards is already closed — nothing to merge.
merge-kept-no-card = This customer has no card yet. Start the merge from the customer who has one.
merge-own-card = This is your own card: another staff member can merge it.

## Rewards
menu-rewards = 🏆 Rewards
history-kind-REWARD = reward
reward-cost-points = { $cost ->
    [one] { $cost } point
   *[other] { $cost } points
}
reward-left-points = { $left ->
    [one] { $left } point
   *[other] { $left } points
}
reward-spendable-points = { $spendable ->
    [one] { $spendable } point
   *[other] { $spendable } points
}
reward-valid-days = { $days ->
    [one] { $days } day
   *[other] { $days } days
}
rewards-title =
    🏆 Rewards for your points. On your card: { points }.
    Choose what you'd like:
rewards-empty = 🏆 No rewards yet — check back later. On your card: { points }.
reward-button = { $icon } { $title } · { $cost } pts
reward-button-stock = { $icon } { $title } · { $cost } pts · { $left } left
btn-my-rewards = 🎟 My rewards
reward-kind-gift = gift
reward-kind-coupon = discount coupon
reward-confirm =
    { $icon } Take “{ $title }” ({ $kind }) for { reward-cost-points }?
    { reward-left-points } will stay on your card, and the code will be valid for { reward-valid-days }.
btn-reward-take = ✅ Yes, take it
btn-reward-decline = No
reward-declined = OK, your points stay on the card.
reward-already-taken = This reward is already yours — the code is above.
reward-taken = 🎉 Done, the reward is yours!
reward-code-caption =
    🎁 “{ $title }”
    Code: { $code }
    Show this QR code at the till or tell them the code. Valid until { $expires }.
reward-debited = { reward-cost-points } spent, { points } left on your card.
reward-refused-inactive = This reward is no longer available. Choose another one in “🏆 Rewards”.
reward-refused-out_of_stock = Sorry, “{ $title }” is out of stock. Check back later or choose another reward.
reward-refused-limit_reached = “{ $title }” is limited to { $limit } per person, and you have reached the limit. Choose another reward.
reward-refused-insufficient_points = “{ $title }” needs { reward-cost-points }, and you have { reward-spendable-points } to spend. Keep collecting — you'll get there!
my-rewards-title = 🎟 Your rewards — show the code at the till:
my-rewards-empty = You have no unused rewards yet. Pick something in “🏆 Rewards”.
my-rewards-item = { $icon } { $title } — { $code }, until { $expires }
btn-reward-show = 📱 QR code: { $title }
reward-code-gone = This code is no longer valid: it was used or has expired.
reward-expired-returned = ⌛ Your code for “{ $title }” expired unused. We've put { points } back on your card — you can spend them again.
staff-reward-view =
    🏆 Reward: { $title } ({ $kind }), { reward-cost-points }
    👤 Customer: { $customer }
    🔑 Code: { $code }
staff-reward-valid = ✅ Valid until { $at }.
staff-reward-used = ☑️ Already used on { $at } ({ $by }).
staff-reward-expired = ⌛ This code expired on { $at }.
staff-reward-by-api = via the API
staff-reward-own = This is your own reward: another staff member can mark it used.
staff-reward-not-found = No reward with this code — check the characters.
btn-reward-mark-used = ✅ Mark used
staff-reward-marked = ✅ Done: “{ $title }” handed to { $customer }. Code { $code } is now used.
staff-reward-already-used = This code was already used on { $at } ({ $by }). The reward cannot be handed out twice.

## Questions (the question bank: progressive questions and surveys)
question-text = { $progress }{ $question }
question-number = { $progress }{ $question }

    ✍️ Type a number.
question-date = { $progress }{ $question }

    📅 Write the date like 25.12.1990.
question-single_choice = { $progress }{ $question }
question-multiple_choice = { $progress }{ $question }

    Tick everything that applies and press "Done".
question-yes_no = { $progress }{ $question }
question-rating = { $progress }{ $question }

    A score from 1 to 5.
question-nps = { $progress }{ $question }

    0 — not at all, 10 — definitely.
question-phone = { $progress }{ $question }

    📞 Write the number, e.g. +7 999 123-45-67.
question-email = { $progress }{ $question }

    ✉️ Write the address, e.g. anna@example.com.
btn-question-yes = Yes
btn-question-no = No
btn-question-done = ✔️ Done
btn-question-skip = Skip
btn-question-later = Ask me later

## Feedback after purchases
feedback-month = { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
}
feedback-request-rating = How was your visit on { $day } { feedback-month }? Please rate it from 1 to 5 — it takes a second.
feedback-request-nps = Thank you for visiting us on { $day } { feedback-month }! How likely are you to recommend us to a friend? Rate from 0 to 10.
feedback-stale = This question is no longer current.
feedback-ask-comment = Sorry to hear that 😔 What went wrong? Please tell us — we will look into it.
btn-feedback-no-comment = I'd rather not say
feedback-thanks = Thank you for your rating!
feedback-thanks-review = Thank you, we're so glad! 🙌 If you have a moment, please leave us a review — it helps a lot.
btn-feedback-review = ⭐ Leave a review
feedback-comment-thanks = Thank you for telling us. We'll look into it and get back to you.
feedback-comment-skipped = All right. Thank you for your rating — we'll do our best to improve.
feedback-comment-too-long = That's a bit long: { $length } characters, and { $max } fit. Please shorten it and send it again.
feedback-comment-text-expected = Please write in words what went wrong, or press "I'd rather not say".
feedback-alert =
    ⚠️ Low score: { $score } of { $max }
    👤 { $name } · 📞 { $phone } · 💳 { $card }
    🧾 Purchase on { $day } { feedback-month }, { $amount }
    💬 "{ $comment }"
feedback-alert-silent =
    ⚠️ Low score: { $score } of { $max }
    👤 { $name } · 📞 { $phone } · 💳 { $card }
    🧾 Purchase on { $day } { feedback-month }, { $amount }
    The customer chose not to say what went wrong.
btn-feedback-reply = ✍️ Reply
feedback-reply-prompt = Write your answer to { $name } — it will come from { $business }.
feedback-reply-text-expected = Send the answer as text, or press "Cancel".
feedback-reply-too-long = The answer is too long: { $length } characters, up to { $max } allowed. Please shorten it.
feedback-reply-sent = ✅ The answer was sent to the customer and the item is closed.
feedback-reply-cancelled = Nothing was sent.
feedback-already-answered = { $name } has already answered this feedback.
feedback-not-found = This feedback was not found or is not waiting for an answer.
feedback-reply = 💬 Answer from { $business }:
    { $answer }
feedback-subscribed = 🔔 You will now receive customers' low scores. To stop: /feedback_off
feedback-unsubscribed = 🔕 You no longer receive low scores. To start again: /feedback_on

## Answering questions and surveys in the bot
menu-questions = 📝 Questions for you
question-stale = This question is no longer current.
question-thanks = Thanks, noted ✅
question-skipped = All right, let's skip it.
question-later = All right, we will ask another time.
question-gone = This question is no longer asked — thank you all the same!
question-changed = The question has changed — here it is now:
survey-unknown = This survey does not exist or is over.
survey-start =
    📝 Survey "{ $title }": { $total ->
        [one] { $total } question
       *[other] { $total } questions
    }.
    You can stop at any moment and continue later from "📝 Questions for you" in the menu.
survey-resume = 📝 Let's continue the survey "{ $title }" where you left off.
survey-finished = 🎉 Thank you for completing the survey "{ $title }"!
survey-finished-points = 🎉 Thank you for completing the survey "{ $title }"! You got { points }.
survey-finished-before = You have already completed the survey "{ $title }" — thank you!
survey-list = Answer a few questions — it helps us get to know you and what you like:
survey-none = No new questions for now — thanks for stopping by!
survey-after-onboarding = To take the survey, let's get your card first — it takes a minute. Then open the survey link again.

## Campaigns: bot
campaign-thanks = Thank you!
campaign-menu = The main menu is below, under the input field.
unsubscribe-done = You have unsubscribed from offers. Service messages (points, receipts) will still arrive.
unsubscribe-already = You are already unsubscribed from offers. Service messages (points, receipts) arrive as before.
unsubscribe-no-card = We do not send you any offers. To get a card, press /start.
btn-resubscribe = 🔔 Subscribe again
resubscribe-done = You are subscribed to offers and news again. Unsubscribe at any time: /stop
staff-menu-broadcast = 📣 Broadcast
broadcast-forbidden = Broadcasts are sent by a manager or the owner. Ask them if customers need to hear something.
broadcast-ask-text =
    📣 A new broadcast. Send the text of the message — or a photo with a caption.
    You may fill in the customer's details: { "{first_name}" }, { "{points}" }, { "{tier}" }, { "{card}" }, with a fallback for when one is missing: { "{first_name|friend}" }.
broadcast-text-expected = Send the text of the message or a photo with a caption — stickers and other attachments cannot go out in a broadcast.
broadcast-photo-needs-caption = Add a caption to the photo — it is the broadcast's text.
broadcast-text-too-long = The text is longer than Telegram allows: { $length } characters, the limit is { $max }. Shorten it and send it again.
broadcast-caption-too-long = The caption is longer than Telegram allows under a photo: { $length } characters, the limit is { $max }. Shorten it or send the text without the photo (up to 4096 characters).
broadcast-unknown-placeholder = There are no such placeholders: { $names }. Fix the text and send it again. Available: { "{first_name}" }, { "{name}" }, { "{points}" }, { "{tier}" }, { "{card}" } and the keys of the questionnaire.
broadcast-refused = That did not work: { $reason }
broadcast-cancelled = The broadcast is cancelled; nothing was sent.
broadcast-ask-audience = Who should get it?
btn-broadcast-all = 👥 Everyone subscribed
btn-broadcast-tier = 🏅 Tier "{ $tier }"
broadcast-preview-intro = 👀 This is how a customer will see it (filled in with one recipient's details):
broadcast-preview-button = This is a preview: the button will work for customers.
broadcast-choice = Recipients: { $count }. What next?
btn-broadcast-test = 🧪 Send me a test
btn-broadcast-now = 🚀 Send now
btn-broadcast-schedule = 🕒 Schedule
broadcast-test-sent = 🧪 A test message has been sent to you — check how it looks.
broadcast-ask-time = When should it go? Type a date and time, e.g. { $example }.
broadcast-time-format = I did not understand the time. Type it like this: 25.12 10:00 (day.month hours:minutes).
broadcast-time-past = That time has already passed. Give a time in the future, e.g. tomorrow at 10:00.
broadcast-confirm-now = Send the broadcast now? Recipients: { $count }.
broadcast-confirm-at = Schedule the broadcast for { $when }? Recipients now: { $count }.
btn-broadcast-confirm-now = ✅ Yes, send
btn-broadcast-confirm-at = ✅ Yes, schedule
btn-broadcast-back = ◀️ Back
broadcast-launched = 🚀 The broadcast is on its way: { $count } recipients. Number: { $id }
broadcast-scheduled = 🕒 The broadcast is scheduled for { $when }. Number: { $id }
btn-broadcast-refresh = 🔄 Refresh
broadcast-not-found = No such broadcast.
broadcast-status =
    📊 "{ $name }": { $status ->
        [DRAFT] draft
        [SCHEDULED] scheduled
        [SENDING] sending
        [PAUSED] paused
        [SENT] sent
       *[CANCELLED] cancelled
    }
    Number: { $id }
    Recipients: { $recipients }
    Delivered: { $sent }
    Waiting: { $pending }
    Blocked the bot: { $blocked }
    Skipped: { $skipped }
    Failed: { $failed }
    Pressed a button: { $clicks }

## Campaigns: dispatcher

campaign-unsubscribe-button = Unsubscribe

## Automations

automation-winback = We haven't seen you for a while — we miss you! Drop in, we'd be glad to see you 🙂
automation-winback-bonus =
    We haven't seen you for a while — we miss you! 🎁 Here is a gift: { points }, already on your card. Come by before { $month ->
        [1] January
        [2] February
        [3] March
        [4] April
        [5] May
        [6] June
        [7] July
        [8] August
        [9] September
        [10] October
        [11] November
       *[12] December
    } { $day }!
