## Common
points = { $count ->
    [one] { $count } балл
    [few] { $count } балла
   *[many] { $count } баллов
}
btn-skip = Пропустить
btn-cancel = Отмена
not-set = не указано
press-button-hint = Пожалуйста, нажмите одну из кнопок выше.
text-expected = Пожалуйста, ответьте текстом.

## Start
start-welcome =
    Здравствуйте! 👋 Это программа лояльности «{ $business }».
    Копите баллы за покупки и получайте подарки — оформление займёт минуту.
start-returning =
    С возвращением, { $name }! Рады видеть вас снова.
start-returning-buyer =
    С возвращением, { $name }! На вашей карте { points }.
start-onboarding =
    Продолжим с того места, где остановились.
start-declined-again =
    Вы раньше отказались от обработки данных. Если передумали — продолжим.

## Onboarding
onboarding-consent =
    Чтобы выпустить карту, нам нужно ваше согласие на обработку персональных данных: имени, телефона и истории покупок. Мы используем их только для программы лояльности и никому не передаём.
btn-consent-yes = ✅ Согласен(на)
btn-consent-no = Нет, спасибо
btn-policy = 📄 Политика конфиденциальности
onboarding-declined =
    Понимаем. Мы не сохранили ваши данные и не будем писать вам. Если передумаете — нажмите /start.
onboarding-marketing =
    Присылать вам персональные предложения и новости? Не чаще пары раз в месяц. Изменить можно в любой момент в «Настройках».
btn-marketing-yes = 🔔 Да, присылайте
btn-marketing-no = Не нужно
onboarding-name =
    Как к вам обращаться? Нажмите кнопку, если имя верное, или напишите другое.
btn-name-keep = ✅ { $name }
onboarding-phone =
    Поделитесь номером телефона — по нему вас узнают на кассе. Нажмите кнопку ниже или введите номер.
onboarding-phone-optional =
    Поделитесь номером телефона — по нему вас узнают на кассе. Нажмите кнопку ниже, введите номер или пропустите этот шаг.
btn-share-phone = 📱 Поделиться номером
onboarding-phone-foreign-contact =
    Это контакт другого человека. Пожалуйста, отправьте свой номер кнопкой «Поделиться номером».
onboarding-phone-input-hint =
    Пожалуйста, нажмите кнопку «Поделиться номером» или введите номер текстом, например +7 999 123-45-67.
onboarding-phone-taken =
    Этот номер уже привязан к другому аккаунту Telegram. Укажите другой номер или обратитесь к сотруднику.
onboarding-phone-needs-verification =
    Этот номер уже есть в нашей базе. Чтобы подтвердить, что он ваш, нажмите кнопку «Поделиться номером».
onboarding-phone-needs-staff =
    Этот номер уже записан в нашей базе на другую карту. Покажите обе карты сотруднику — он объединит их. А пока можно указать другой номер.
onboarding-phone-merged =
    Нашли вас в нашей базе по номеру телефона — история покупок сохранена.
onboarding-phone-saved = Спасибо, номер сохранён.
onboarding-card-ready = Готово! Ваша карта лояльности выпущена 🎉
onboarding-welcome-bonus = На карту начислено { points } в подарок.
onboarding-phone-skipped = Хорошо, продолжим без телефона. Его можно добавить позже в профиле.

## Validation
invalid-name_empty = Имя не может быть пустым. Напишите, как к вам обращаться.
invalid-name_too_long = Слишком длинно — имя должно быть не длиннее 64 символов.
invalid-name_no_letters = В имени должна быть хотя бы одна буква.
invalid-phone_invalid = Не получилось распознать номер. Введите его в формате +7 999 123-45-67 или нажмите кнопку «Поделиться номером».
invalid-date_invalid = Не получилось распознать дату. Напишите её так: 25.12.1990.
invalid-date_in_future = Эта дата ещё не наступила. Проверьте, пожалуйста, год.
invalid-date_too_old = Похоже, в годе опечатка. Напишите дату так: 25.12.1990.
invalid-city_invalid = Напишите название города буквами, например: Казань.
invalid-email_invalid = Это не похоже на e-mail. Пример: anna@example.com
invalid-text_empty = Ответ не может быть пустым. Напишите, пожалуйста, текстом.
invalid-text_too_long = Слишком длинно — не больше { $max } символов.
invalid-number_invalid = Это не похоже на число. Напишите только цифры, например 3.
invalid-number_not_integer = Нужно целое число, например 2.
invalid-number_out_of_range = Нужно число от { $min } до { $max }.
invalid-date_out_of_range = Нужна дата с { $from } по { $to }.
invalid-scale_out_of_range = Нужна оценка от { $min } до { $max } — нажмите кнопку.
invalid-option_unknown = Такого варианта нет в списке — нажмите одну из кнопок.
invalid-choose_at_least_one = Отметьте хотя бы один вариант, затем нажмите «Готово».
invalid-press_button = Пожалуйста, нажмите одну из кнопок.
invalid-text_expected = Пожалуйста, ответьте текстом.

## Card
card-caption =
    💳 Карта { $number }
    Баланс: { points }
    Уровень: { $tier }
card-next-tier = До уровня «{ $tier }» осталось покупок на { $amount }.
card-tier-basis = Уровень считается по покупкам за последние { $months } мес.
card-top-tier = У вас наивысший уровень 👑
card-not-issued = Карта ещё не выпущена. Нажмите /start, чтобы завершить оформление.
tier-base = Базовый
tier-silver = Серебряный
tier-gold = Золотой

## Menu
menu-card = 💳 Моя карта
menu-history = 📜 История
menu-profile = 👤 Профиль
menu-invite = 🎁 Пригласить друга
menu-settings = ⚙️ Настройки
menu-data = 🗂 Мои данные

## History
history-empty = Пока нет ни покупок, ни начислений.
history-title = 📜 История (стр. { $page } из { $pages }):
history-entry = { $date } · { $sign }{ $points } · { $what }
history-kind-WELCOME = приветственный бонус
history-kind-REFERRAL = бонус за друга
history-kind-PURCHASE = покупка
history-kind-REDEEM = списание
history-kind-ADJUSTMENT = корректировка
history-kind-EXPIRE = сгорание баллов
history-kind-BIRTHDAY = бонус ко дню рождения
history-kind-EVENT = бонус за событие
history-kind-REVERSAL = отмена операции
history-purchase = покупка на { $amount }
btn-prev = ◀️ Назад
btn-next = Вперёд ▶️

## Profile
profile-title = 👤 Ваш профиль
profile-field-name = Имя
profile-field-phone = Телефон
profile-field-birthday = День рождения
profile-field-gender = Пол
profile-field-city = Город
profile-field-email = E-mail
profile-field-interests = Интересы
profile-field-family_status = Семейное положение
profile-field-children = Дети
profile-field-health_consent = Согласие на вопросы о здоровье
profile-edit-hint = Что изменить?
profile-saved = Сохранено ✅
profile-edit-cancelled = Изменение отменено.
answer-yes = Да
answer-no = Нет
ask-question-changed = Этот вопрос изменился или больше не задаётся. Загляните в «Профиль» ещё раз.

## Invite
invite-text =
    Пригласите друга по своей ссылке — когда он оформит карту, вы получите { points }.
    Ваша ссылка: { $link }

btn-invite-share = 📤 Отправить другу
invite-share-text = Присоединяйся к программе лояльности «{ $business }» — получишь бонусные баллы!

## Settings
settings-view =
    ⚙️ Настройки
    Язык: Русский
    Предложения и новости: { $marketing ->
        [yes] включены
       *[no] выключены
    }
    Вопросы от нас: { $questions ->
        [yes] вкл
       *[no] выкл
    }
btn-language-ru = 🇷🇺 Русский
btn-language-en = 🇬🇧 English
btn-marketing-on = 🔔 Получать предложения
btn-marketing-off = 🔕 Отписаться от предложений
settings-language-changed = Язык изменён на русский.
settings-marketing-on = Вы подписаны на предложения и новости.
settings-marketing-off = Вы отписались от предложений. Служебные сообщения (баллы, чеки) будут приходить.
btn-questions-on = 💬 Вопросы от нас: включить
btn-questions-off = 🤫 Вопросы от нас: выключить
settings-questions-on = Хорошо, иногда будем задавать вопрос-другой, чтобы лучше вас знать.
settings-questions-off = Больше не будем задавать вопросы. Изменить можно здесь же, в «Настройках».

## My data
data-view =
    🗂 Ваши данные. Можно получить всё, что мы о вас храним, или удалить это.
btn-data-export = 📄 Выгрузить мои данные
btn-data-delete = 🗑 Удалить мои данные
data-export-summary =
    Что мы о вас храним:
    Имя: { $name }
    Телефон: { $phone }
    День рождения: { $birthday }
    Город: { $city }
    E-mail: { $email }
    Карта: { $card }, { points }
    Покупок: { $purchases }
    Согласие на обработку данных: { $consentAt }
    Предложения и новости: { $marketing ->
        [yes] да
       *[no] нет
    }
    Событий в истории: { $events }
    Всё целиком — в файле ниже.
data-export-caption = Все данные, которые мы о вас храним.
data-delete-confirm =
    Удалить ваши данные? Мы сотрём имя, телефон, ответы и историю общения, карта будет закрыта, баллы сгорят. Это нельзя отменить.
btn-data-delete-confirm = Да, удалить всё
data-deleted = Ваши данные удалены. Спасибо, что были с нами! Если захотите вернуться — нажмите /start.
data-delete-cancelled = Хорошо, ничего не удаляем.

## Help
help-customer =
    Всё в меню внизу: карта с QR-кодом для кассы, награды за баллы, история баллов, профиль, приглашение друзей, настройки и ваши данные.
    /start — вернуться в начало.
help-newcomer =
    Это бот программы лояльности: карта с баллами за покупки и подарки. Нажмите /start, чтобы получить карту.

## Errors
error-generic = Что-то пошло не так. Мы уже разбираемся — попробуйте, пожалуйста, ещё раз чуть позже.

## Unhandled
unhandled-text = Я пока не понимаю это сообщение. Выберите пункт меню или нажмите /start.
unhandled-callback = Эта кнопка устарела.

## Referral
referral-credited = Ваш друг оформил карту — вам начислено { points }! 🎉

## Points by hand and for events (sent to the customer)
points-event-credited = 🎁 Вам начислено { points } { $type ->
    [review_left] — спасибо за отзыв!
   *[other] — бонус «{ $label }».
}
points-adjusted-credited =
    🎁 Вам начислено { points }.
    Комментарий: { $reason }

## Birthday and expiry
birthday-bonus =
    С днём рождения! 🎂
    Наш подарок — { points } — уже на вашей карте. Приходите отпраздновать, будем очень рады вас видеть!
expiry-warning = ⏳ { points } на вашей карте { $count ->
        [one] сгорит
       *[other] сгорят
    } { $day } { $month ->
        [1] января
        [2] февраля
        [3] марта
        [4] апреля
        [5] мая
        [6] июня
        [7] июля
        [8] августа
        [9] сентября
        [10] октября
        [11] ноября
       *[12] декабря
    } { $year }. Успейте воспользоваться!

## Staff
staff-role-OWNER = владелец
staff-role-MANAGER = менеджер
staff-role-CASHIER = кассир
staff-joined =
    Добро пожаловать в команду, { $name }! Ваша роль: { $role }.
    Чтобы найти клиента, отсканируйте камерой телефона QR-код его карты или пришлите сюда номер карты, телефон или @username.
    Чтобы получать низкие оценки клиентов после покупок и отвечать на них, отправьте /feedback_on.
staff-invite-unknown = Такого приглашения нет. Проверьте ссылку или попросите у владельца новую.
staff-invite-used = Это приглашение уже использовано. Попросите у владельца новое.
staff-invite-expired = Срок действия приглашения истёк. Попросите у владельца новое.
staff-already = Вы уже в команде (роль: { $role }).
staff-no-access = У вас больше нет доступа к функциям сотрудника.
staff-forbidden = Ваша роль не позволяет это сделать.
staff-menu-find = 🔎 Найти клиента
staff-menu-customer-mode = 💳 Я как клиент
menu-staff-mode = 🧑‍💼 Режим сотрудника
staff-mode-on = Режим сотрудника: пришлите номер карты, телефон или @username клиента, или отсканируйте QR-код его карты.
staff-customer-mode-on = Клиентский режим: ваша карта и меню клиента.
staff-find-prompt = Отсканируйте камерой телефона QR-код карты клиента или пришлите номер карты, телефон или @username.
staff-not-found = Клиент не найден. Проверьте номер, телефон или имя пользователя.
staff-bad-card-number = Карты с таким номером нет — проверьте цифры.
staff-not-a-query = Пришлите номер карты (12 цифр), телефон или @username клиента.
staff-customer-view =
    👤 { $name }
    💳 { $card }
    Уровень: { $tier } · Баланс: { points }
    Покупок: { $purchases } · Последний визит: { $lastVisit }
staff-customer-no-card =
    👤 { $name }
    Карта ещё не выпущена: клиент не закончил регистрацию.
staff-own-card = Это ваша собственная карта: покупки и баллы на неё оформляет другой сотрудник.
btn-staff-purchase = 🧾 Покупка
btn-staff-refund = ↩️ Возврат
btn-staff-adjust = ± Баллы
btn-staff-merge = 🔗 Объединить карты

## Purchases and refunds (staff)
btn-confirm = ✅ Подтвердить
btn-no-category = Без категории
btn-spend-max = Списать { $max }
btn-spend-none = Не списывать
btn-refund-all = Вернуть всё ({ $remaining })
btn-refund-partly-refunded = { $date } · { $amount } (осталось { $left })
staff-button-not-yours = Эта кнопка — только для сотрудников.
staff-purchase-amount = 🧾 Покупка для клиента { $name }. Введите сумму чека, например 1250 или 1 250,50:
staff-amount-text-expected = Пришлите сумму текстом, например 1250.
staff-amount-not_a_number = Не получилось прочитать сумму. Напишите число, например 1250 или 1 250,50.
staff-amount-zero = Сумма должна быть больше нуля.
staff-amount-negative = Сумма не может быть отрицательной. Для возврата есть кнопка «↩️ Возврат».
staff-amount-too_precise = После запятой — не больше двух цифр (копейки), например 1250,50.
staff-amount-too_large = Слишком большая сумма: не больше { $max }. Проверьте, нет ли лишних цифр.
staff-purchase-category = Выберите категорию покупки:
staff-purchase-points = На карте { $balance } баллов; к этому чеку можно списать до { $max } (не больше { $percent } % суммы). Сколько списать? Нажмите кнопку или введите число.
staff-points-not-a-number = Напишите целое число баллов от 0 до { $max }.
staff-points-over-balance = Столько баллов у клиента нет: можно списать не больше { $max }.
staff-points-over-share = Баллами можно оплатить не больше { $percent } % чека: это { $max } баллов.
staff-purchase-preview =
    Проверьте покупку:
    👤 { $name } · 💳 { $card }
    Сумма: { $amount } · Категория: { $category }
    Списать баллов: { $spent } (−{ $discount })
    К оплате: { $paid }
    Будет начислено баллов: { $earned }
staff-purchase-cancelled = Покупка отменена, ничего не записано.
staff-purchase-recorded = ✅ Покупка на { $amount } записана. Начислено баллов: { $earned }, списано: { $spent }. Баланс клиента: { $balance }.
staff-purchase-duplicate = Эта покупка уже записана — второй раз она не засчитана. Баланс клиента: { $balance }.
staff-purchase-tier-up = 🎉 Клиент перешёл на уровень «{ $tier }».
staff-purchase-stale = Баланс клиента изменился, пока покупка ждала подтверждения. Оформите её заново.
staff-purchase-failed = Не получилось записать: данные изменились. Оформите заново.
staff-refund-choose = Какую покупку вернуть?
staff-refund-none = У клиента нет покупок, которые можно вернуть.
staff-refund-amount = Покупка на { $amount } от { $date }; вернуть можно до { $remaining }. Нажмите «Вернуть всё» или введите сумму частичного возврата:
staff-refund-too-much = Это больше, чем осталось по покупке: вернуть можно не больше { $remaining }.
staff-refund-preview =
    Вернуть { $amount }?
    Клиенту вернутся списанные баллы: { $returned }.
    С карты спишутся начисленные за покупку баллы: { $reversed } (если клиент их уже потратил — сколько есть на карте).
staff-refund-cancelled = Возврат отменён, ничего не записано.
staff-refund-done = ↩️ Возврат на { $amount } оформлен. Возвращено баллов: { $returned }, списано: { $taken }{ $unrecovered ->
        [0] {""}
       *[other] ; уже потрачены и не списаны: { $unrecovered }
    }. Баланс клиента: { $balance }.
staff-refund-duplicate = Этот возврат уже оформлен — второй раз он не засчитан. Баланс клиента: { $balance }.
staff-refund-already = Эта покупка уже возвращена полностью.
staff-refund-stale = По этой покупке уже оформили возврат: осталось меньше. Оформите возврат заново.

## Receipts and tiers (sent to the customer)
receipt-purchase = 🧾 Спасибо за покупку на { $amount }! Начислено баллов: { $earned }. Баланс: { $balance }.
receipt-purchase-spent = 🧾 Спасибо за покупку на { $amount }! Списано баллов: { $spent }, оплачено деньгами { $paid }. Начислено баллов: { $earned }. Баланс: { $balance }.
receipt-refund = ↩️ Оформлен возврат на { $amount }. Возвращено списанных баллов: { $returned }, списано начисленных: { $taken }. Баланс: { $balance }.
tier-reached-silver = 🎉 Поздравляем! Ваш новый уровень — «{ $name ->
        [none] { tier-silver }
       *[other] { $name }
    }». Теперь за покупки начисляется { $percent } % баллами.
tier-reached-gold = 🎉 Поздравляем! Ваш новый уровень — «{ $name ->
        [none] { tier-gold }
       *[other] { $name }
    }». Теперь за покупки начисляется { $percent } % баллами.

## At the till: walk-in customers and merging cards (staff)
staff-menu-new-customer = ➕ Новый клиент
walk-in-phone =
    Введите номер телефона клиента — в любом привычном виде, например +7 999 123-45-67 или 8 999 123 45 67.
walk-in-phone-hint = Пришлите номер телефона клиента текстом, например +7 999 123-45-67.
walk-in-phone-invalid = Не получилось распознать номер. Проверьте цифры и введите ещё раз, например +7 999 123-45-67.
walk-in-exists = Клиент с этим номером уже есть — вот его карта. Новую заводить не нужно.
walk-in-name = Как зовут клиента? Напишите имя или нажмите «Пропустить».
walk-in-name-invalid = Не похоже на имя. Напишите имя клиента буквами (до 64 символов) или нажмите «Пропустить».
walk-in-registered =
    ✅ Клиент зарегистрирован, карта выпущена. Клиент устно согласился на обработку данных — рассылки ему не отправляются, пока он сам не разрешит их в боте.
    Когда клиент откроет бота и поделится этим же номером, карта, баллы и покупки останутся с ним.
walk-in-welcome-bonus = На карту начислено { points } в подарок.
walk-in-cancelled = Хорошо, регистрацию отменили.
merge-ask-other =
    Пришлите номер второй карты, телефон или @username клиента. Её баллы и покупки перейдут на эту карту, а сама она будет закрыта.
merge-same = Это та же самая карта. Пришлите номер другой карты или телефон.
merge-preview =
    Объединить карты?

    Останется:
    { $kept }

    Будет закрыта:
    { $other }

    { points } и все покупки перейдут на карту, которая останется. Отменить объединение нельзя.
btn-merge-confirm = ✅ Объединить
merge-done = ✅ Карты объединены. Перенесено { points }.
merge-already = Эти карты уже объединены.
merge-cancelled = Хорошо, объединение отменили.
merge-two-telegram = У обоих клиентов свой аккаунт Telegram — это два разных человека, их карты не объединяются.
merge-closed = Одна из этих карт уже закрыта — объединять нечего.
merge-kept-no-card = У этого клиента ещё нет карты. Начните объединение с клиента, у которого карта есть.
merge-own-card = Это ваша собственная карта: объединить её может другой сотрудник.

## Rewards
menu-rewards = 🏆 Награды
history-kind-REWARD = награда
reward-cost-points = { $cost ->
    [one] { $cost } балл
    [few] { $cost } балла
   *[many] { $cost } баллов
}
reward-left-points = { $left ->
    [one] { $left } балл
    [few] { $left } балла
   *[many] { $left } баллов
}
reward-spendable-points = { $spendable ->
    [one] { $spendable } балл
    [few] { $spendable } балла
   *[many] { $spendable } баллов
}
reward-valid-days = { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[many] { $days } дней
}
rewards-title =
    🏆 Награды за баллы. На карте: { points }.
    Выберите, что хотите получить:
rewards-empty = 🏆 Наград пока нет — загляните позже. На карте: { points }.
reward-button = { $icon } { $title } · { $cost } б.
reward-button-stock = { $icon } { $title } · { $cost } б. · осталось { $left }
btn-my-rewards = 🎟 Мои награды
reward-kind-gift = подарок
reward-kind-coupon = купон на скидку
reward-confirm =
    { $icon } Взять «{ $title }» ({ $kind }) за { reward-cost-points }?
    На карте останется { reward-left-points }, код будет действовать { reward-valid-days }.
btn-reward-take = ✅ Да, беру
btn-reward-decline = Нет
reward-declined = Хорошо, баллы остаются на карте.
reward-already-taken = Эта награда уже ваша — код выше.
reward-taken = 🎉 Готово, награда ваша!
reward-code-caption =
    🎁 «{ $title }»
    Код: { $code }
    Покажите этот QR-код на кассе или назовите код. Действует до { $expires }.
reward-debited = Списано { reward-cost-points }, на карте осталось { points }.
reward-refused-inactive = Эта награда больше недоступна. Выберите другую в «🏆 Награды».
reward-refused-out_of_stock = Увы, «{ $title }» больше нет в наличии. Загляните позже или выберите другую награду.
reward-refused-limit_reached = Лимит для «{ $title }» — { $limit } на человека, и вы его уже исчерпали. Выберите другую награду.
reward-refused-insufficient_points = Для «{ $title }» нужно { reward-cost-points }, а доступно { reward-spendable-points }. Копите дальше — всё получится!
my-rewards-title = 🎟 Ваши награды — покажите код на кассе:
my-rewards-empty = У вас пока нет неиспользованных наград. Выберите что-нибудь в «🏆 Награды».
my-rewards-item = { $icon } { $title } — { $code }, до { $expires }
btn-reward-show = 📱 QR-код: { $title }
reward-code-gone = Этот код уже недействителен: он использован или истёк.
reward-expired-returned = ⌛ Код на «{ $title }» истёк неиспользованным. Мы вернули на карту { points } — их можно потратить снова.
staff-reward-view =
    🏆 Награда: { $title } ({ $kind }), { reward-cost-points }
    👤 Клиент: { $customer }
    🔑 Код: { $code }
staff-reward-valid = ✅ Действует до { $at }.
staff-reward-used = ☑️ Уже использован { $at } ({ $by }).
staff-reward-expired = ⌛ Срок действия кода истёк { $at }.
staff-reward-by-api = через API
staff-reward-own = Это ваша собственная награда: отметить её может другой сотрудник.
staff-reward-not-found = Код награды не найден — проверьте символы.
btn-reward-mark-used = ✅ Отметить использованным
staff-reward-marked = ✅ Готово: «{ $title }» выдано клиенту { $customer }. Код { $code } погашен.
staff-reward-already-used = Этот код уже использован { $at } ({ $by }). Второй раз выдать награду нельзя.

## Questions (the question bank: progressive questions and surveys)
question-text = { $progress }{ $question }
question-number = { $progress }{ $question }

    ✍️ Напишите число.
question-date = { $progress }{ $question }

    📅 Напишите дату так: 25.12.1990.
question-single_choice = { $progress }{ $question }
question-multiple_choice = { $progress }{ $question }

    Отметьте всё подходящее и нажмите «Готово».
question-yes_no = { $progress }{ $question }
question-rating = { $progress }{ $question }

    Оценка от 1 до 5.
question-nps = { $progress }{ $question }

    0 — точно нет, 10 — точно да.
question-phone = { $progress }{ $question }

    📞 Напишите номер, например +7 999 123-45-67.
question-email = { $progress }{ $question }

    ✉️ Напишите адрес, например anna@example.com.
btn-question-yes = Да
btn-question-no = Нет
btn-question-done = ✔️ Готово
btn-question-skip = Пропустить
btn-question-later = Спросите позже

## Feedback after purchases
feedback-month = { $month ->
    [1] января
    [2] февраля
    [3] марта
    [4] апреля
    [5] мая
    [6] июня
    [7] июля
    [8] августа
    [9] сентября
    [10] октября
    [11] ноября
   *[12] декабря
}
feedback-request-rating = Как прошёл ваш визит { $day } { feedback-month }? Оцените, пожалуйста, от 1 до 5 — это займёт секунду.
feedback-request-nps = Спасибо, что были у нас { $day } { feedback-month }! Насколько вероятно, что вы порекомендуете нас друзьям? Оцените от 0 до 10.
feedback-stale = Этот вопрос уже неактуален.
feedback-ask-comment = Жаль, что так вышло 😔 Что пошло не так? Напишите, пожалуйста, — мы обязательно разберёмся.
btn-feedback-no-comment = Не хочу писать
feedback-thanks = Спасибо за оценку!
feedback-thanks-review = Спасибо, очень рады! 🙌 Если не сложно, оставьте, пожалуйста, отзыв — это нам очень поможет.
btn-feedback-review = ⭐ Оставить отзыв
feedback-comment-thanks = Спасибо, что написали. Мы разберёмся и ответим вам.
feedback-comment-skipped = Хорошо. Спасибо за оценку — мы постараемся стать лучше.
feedback-comment-too-long = Получилось длинновато: { $length } символов, а помещается { $max }. Сократите, пожалуйста, и пришлите ещё раз.
feedback-comment-text-expected = Напишите, пожалуйста, словами, что пошло не так, или нажмите «Не хочу писать».
feedback-alert =
    ⚠️ Низкая оценка: { $score } из { $max }
    👤 { $name } · 📞 { $phone } · 💳 { $card }
    🧾 Покупка { $day } { feedback-month } на { $amount }
    💬 «{ $comment }»
feedback-alert-silent =
    ⚠️ Низкая оценка: { $score } из { $max }
    👤 { $name } · 📞 { $phone } · 💳 { $card }
    🧾 Покупка { $day } { feedback-month } на { $amount }
    Клиент не стал писать, что не так.
btn-feedback-reply = ✍️ Ответить
feedback-reply-prompt = Напишите ответ клиенту { $name } — он придёт от имени { $business }.
feedback-reply-text-expected = Пришлите ответ текстом или нажмите «Отмена».
feedback-reply-too-long = Слишком длинный ответ: { $length } символов, можно до { $max }. Сократите, пожалуйста.
feedback-reply-sent = ✅ Ответ отправлен клиенту, отзыв закрыт.
feedback-reply-cancelled = Ответ не отправлен.
feedback-already-answered = На этот отзыв уже ответил(а) { $name }.
feedback-not-found = Этот отзыв не найден или не ждёт ответа.
feedback-reply = 💬 Ответ от { $business }:
    { $answer }
feedback-subscribed = 🔔 Теперь вам будут приходить низкие оценки клиентов. Отключить: /feedback_off
feedback-unsubscribed = 🔕 Низкие оценки вам больше не приходят. Включить: /feedback_on

## Answering questions and surveys in the bot
menu-questions = 📝 Вопросы для вас
question-stale = Этот вопрос уже неактуален.
question-thanks = Спасибо, записали ✅
question-skipped = Хорошо, пропустим.
question-later = Хорошо, спросим в другой раз.
question-gone = Этот вопрос больше не задаётся — всё равно спасибо!
question-changed = Вопрос изменился — вот его новая версия:
survey-unknown = Такого опроса нет или он уже закончился.
survey-start =
    📝 Опрос «{ $title }»: { $total ->
        [one] { $total } вопрос
        [few] { $total } вопроса
       *[many] { $total } вопросов
    }.
    Можно остановиться в любой момент и продолжить потом из меню «📝 Вопросы для вас».
survey-resume = 📝 Продолжим опрос «{ $title }» с того места, где остановились.
survey-finished = 🎉 Спасибо, что прошли опрос «{ $title }»!
survey-finished-points = 🎉 Спасибо, что прошли опрос «{ $title }»! Вам начислено { points }.
survey-finished-before = Вы уже прошли опрос «{ $title }» — спасибо!
survey-list = Ответьте на несколько вопросов — так мы лучше узнаем вас и ваши предпочтения:
survey-none = Сейчас новых вопросов нет — спасибо, что заглянули!
survey-after-onboarding = Чтобы пройти опрос, сначала оформим карту — это займёт минуту. Потом откройте ссылку на опрос ещё раз.

## Campaigns: bot
campaign-thanks = Спасибо!
campaign-menu = Главное меню — внизу, под полем ввода.
unsubscribe-done = Вы отписались от рекламных рассылок. Служебные сообщения (баллы, чеки) будут приходить.
unsubscribe-already = Вы уже отписаны от рекламных рассылок. Служебные сообщения (баллы, чеки) приходят как прежде.
unsubscribe-no-card = Мы не присылаем вам рассылок. Чтобы получить карту, нажмите /start.
btn-resubscribe = 🔔 Подписаться снова
resubscribe-done = Вы снова подписаны на предложения и новости. Отписаться можно в любой момент: /stop
staff-menu-broadcast = 📣 Рассылка
broadcast-forbidden = Рассылки отправляют менеджер и владелец. Попросите их, если нужно что-то сообщить клиентам.
broadcast-ask-text =
    📣 Новая рассылка. Пришлите текст сообщения — или фото с подписью.
    Можно подставить данные клиента: { "{first_name}" }, { "{points}" }, { "{tier}" }, { "{card}" }, а на случай, если их нет, — запасной вариант: { "{first_name|друг}" }.
broadcast-text-expected = Пришлите текст сообщения или фото с подписью — стикеры и другие вложения в рассылку не пойдут.
broadcast-photo-needs-caption = Добавьте к фото подпись — это и будет текст рассылки.
broadcast-text-too-long = Текст длиннее, чем позволяет Telegram: { $length } символов при пределе { $max }. Сократите его и пришлите снова.
broadcast-caption-too-long = Подпись к фото длиннее, чем позволяет Telegram: { $length } символов при пределе { $max }. Сократите её или пришлите текст без фото (до 4096 символов).
broadcast-unknown-placeholder = Таких подстановок нет: { $names }. Исправьте текст и пришлите снова. Доступны { "{first_name}" }, { "{name}" }, { "{points}" }, { "{tier}" }, { "{card}" } и ключи вопросов анкеты.
broadcast-refused = Не получилось: { $reason }
broadcast-cancelled = Рассылка отменена, ничего не отправлено.
broadcast-ask-audience = Кому отправить?
btn-broadcast-all = 👥 Всем подписанным
btn-broadcast-tier = 🏅 Уровень «{ $tier }»
broadcast-preview-intro = 👀 Так сообщение увидит клиент (подставлены данные одного из получателей):
broadcast-preview-button = Это предпросмотр: у клиентов кнопка будет работать.
broadcast-choice = Получателей: { $count }. Что дальше?
btn-broadcast-test = 🧪 Прислать мне тест
btn-broadcast-now = 🚀 Отправить сейчас
btn-broadcast-schedule = 🕒 Запланировать
broadcast-test-sent = 🧪 Тестовое сообщение отправлено вам — проверьте, как оно выглядит.
broadcast-ask-time = Когда отправить? Напишите дату и время, например { $example }.
broadcast-time-format = Не понял время. Напишите так: 25.12 10:00 (день.месяц часы:минуты).
broadcast-time-past = Это время уже прошло. Укажите время в будущем, например завтра в 10:00.
broadcast-confirm-now = Отправить рассылку сейчас? Получателей: { $count }.
broadcast-confirm-at = Запланировать рассылку на { $when }? Получателей сейчас: { $count }.
btn-broadcast-confirm-now = ✅ Да, отправить
btn-broadcast-confirm-at = ✅ Да, запланировать
btn-broadcast-back = ◀️ Назад
broadcast-launched = 🚀 Рассылка запущена: { $count } получателей. Номер: { $id }
broadcast-scheduled = 🕒 Рассылка запланирована на { $when }. Номер: { $id }
btn-broadcast-refresh = 🔄 Обновить
broadcast-not-found = Рассылка не найдена.
broadcast-status =
    📊 «{ $name }»: { $status ->
        [DRAFT] черновик
        [SCHEDULED] запланирована
        [SENDING] идёт отправка
        [PAUSED] на паузе
        [SENT] отправлена
       *[CANCELLED] отменена
    }
    Номер: { $id }
    Получателей: { $recipients }
    Доставлено: { $sent }
    В очереди: { $pending }
    Заблокировали бота: { $blocked }
    Пропущено: { $skipped }
    Ошибок: { $failed }
    Нажали на кнопки: { $clicks }

## Campaigns: dispatcher

campaign-unsubscribe-button = Отписаться

## Automations

automation-winback = Давно вас не видели — соскучились! Заглядывайте, будем рады 🙂
automation-winback-bonus =
    Давно вас не видели — соскучились! 🎁 Дарим { points }, они уже на вашей карте. Приходите до { $day } { $month ->
        [1] января
        [2] февраля
        [3] марта
        [4] апреля
        [5] мая
        [6] июня
        [7] июля
        [8] августа
        [9] сентября
        [10] октября
        [11] ноября
       *[12] декабря
    }!
