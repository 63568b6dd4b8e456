## Start
start-new =
    Hello, { $name }! 👋
    This is the { $business } loyalty program. Collect points with every purchase and get rewards.
start-returning =
    Welcome back, { $name }! Good to see you again.
start-onboarding =
    Hello, { $name }! Let's continue where we left off.

## Errors
error-generic = Something went wrong. We are looking into it — please try again a little later.

## Unhandled
unhandled-text = I don't understand this message yet. Press /start to open the menu.
unhandled-callback = This button is out of date.
