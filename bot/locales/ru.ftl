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
onboarding-birthday =
    Когда у вас день рождения? Пришлём подарок 🎁
    Напишите дату в формате ДД.ММ.ГГГГ, например 25.12.1990.
onboarding-gender = Укажите, пожалуйста, пол:
btn-gender-female = Женский
btn-gender-male = Мужской
btn-gender-other = Не указывать
onboarding-city = Из какого вы города?
onboarding-email = Ваш e-mail для чеков и новостей:
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
history-kind-REVERSAL = отмена операции
history-purchase = покупка на { $amount }
btn-prev = ◀️ Назад
btn-next = Вперёд ▶️

## Profile
profile-view =
    👤 Ваш профиль
    Имя: { $name }
    Телефон: { $phone }
    День рождения: { $birthday }
    Пол: { $gender }
    Город: { $city }
    E-mail: { $email }
profile-edit-hint = Что изменить?
btn-edit-name = Имя
btn-edit-phone = Телефон
btn-edit-birthday = День рождения
btn-edit-city = Город
btn-edit-gender = Пол
gender-FEMALE = женский
gender-MALE = мужской
gender-OTHER = не указан
btn-edit-email = E-mail
profile-saved = Сохранено ✅
profile-edit-cancelled = Изменение отменено.

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
btn-language-ru = 🇷🇺 Русский
btn-language-en = 🇬🇧 English
btn-marketing-on = 🔔 Получать предложения
btn-marketing-off = 🔕 Отписаться от предложений
settings-language-changed = Язык изменён на русский.
settings-marketing-on = Вы подписаны на предложения и новости.
settings-marketing-off = Вы отписались от предложений. Служебные сообщения (баллы, чеки) будут приходить.

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
    Всё в меню внизу: карта с QR-кодом для кассы, история баллов, профиль, приглашение друзей, настройки и ваши данные.
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

## Staff
staff-role-OWNER = владелец
staff-role-MANAGER = менеджер
staff-role-CASHIER = кассир
staff-joined =
    Добро пожаловать в команду, { $name }! Ваша роль: { $role }.
    Чтобы найти клиента, отсканируйте камерой телефона QR-код его карты или пришлите сюда номер карты, телефон или @username.
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
