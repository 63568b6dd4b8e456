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
onboarding-birthday =
    When is your birthday? We'll send you a gift 🎁
    Write the date as DD.MM.YYYY, e.g. 25.12.1990.
onboarding-gender = Your gender, please:
btn-gender-female = Female
btn-gender-male = Male
btn-gender-other = Prefer not to say
onboarding-city = Which city are you from?
onboarding-email = Your e-mail for receipts and news:
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
history-kind-REVERSAL = reversal
history-purchase = purchase of { $amount }
btn-prev = ◀️ Back
btn-next = Next ▶️

## Profile
profile-view =
    👤 Your profile
    Name: { $name }
    Phone: { $phone }
    Birthday: { $birthday }
    Gender: { $gender }
    City: { $city }
    E-mail: { $email }
profile-edit-hint = What would you like to change?
btn-edit-name = Name
btn-edit-phone = Phone
btn-edit-birthday = Birthday
btn-edit-city = City
btn-edit-gender = Gender
gender-FEMALE = female
gender-MALE = male
gender-OTHER = not specified
btn-edit-email = E-mail
profile-saved = Saved ✅
profile-edit-cancelled = Change cancelled.

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
btn-language-ru = 🇷🇺 Русский
btn-language-en = 🇬🇧 English
btn-marketing-on = 🔔 Receive offers
btn-marketing-off = 🔕 Unsubscribe from offers
settings-language-changed = Language set to English.
settings-marketing-on = You are subscribed to offers and news.
settings-marketing-off = You have unsubscribed from offers. Service messages (points, receipts) will still arrive.

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
    Everything is in the menu below: your card with a QR code for the till, points history, profile, inviting friends, settings and your data.
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

## Staff
staff-role-OWNER = owner
staff-role-MANAGER = manager
staff-role-CASHIER = cashier
staff-joined =
    Welcome to the team, { $name }! Your role: { $role }.
    To find a customer, scan the QR code of their card with your phone's camera, or send their card number, phone or @username here.
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
