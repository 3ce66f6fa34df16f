"""Password policy beyond Django's validators: no password built from a common or domain word
("posyandu", "Kader2026", "Puskesmas#1") or from the user's own data (username, name, phone).

Django's CommonPasswordValidator knows 20,000 leaked passwords but not the words every
Posyandu account would try; this validator strips digits and symbols and refuses what is left
when it is such a word (or the user's own data), then asks for length (settings)."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Words a user of this platform reaches for first (lower case, letters only).
DOMAIN_WORDS = frozenset(
    {
        "posyandu", "kader", "bidan", "puskesmas", "pustu", "pokjanal", "dinkes", "ilp",
        "sehat", "kesehatan", "balita", "bayi", "ibu", "anak", "desa", "kelurahan",
        "indonesia", "jakarta", "pekanbaru", "seluma", "riau", "bengkulu", "merdeka",
        "password", "passw", "rahasia", "sandi", "katasandi", "admin", "administrator",
        "qwerty", "asdf", "abc", "abcd", "test", "demo", "user", "login", "masuk", "welcome",
        "selamat", "bismillah", "sayang", "cinta", "satusehat",
    }
)  # fmt: skip


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


class DomainWordValidator:
    """Refuses a password that is (apart from digits and symbols) one or two domain words or
    the user's username, name or phone digits."""

    def validate(self, password: str, user: Any = None) -> None:
        letters = _letters(password)
        if not letters:
            raise ValidationError(
                _("The password must contain letters, not only digits and symbols."),
                code="password_no_letters",
            )
        if self._is_domain_words(letters):
            raise ValidationError(
                _("The password is built from a common word (such as “posyandu” or “kader”)."),
                code="password_domain_word",
            )
        if user is not None and self._is_users_own(password, letters, user):
            raise ValidationError(
                _("The password must not be built from your own username, name or phone."),
                code="password_own_data",
            )

    @staticmethod
    def _is_domain_words(letters: str) -> bool:
        if letters in DOMAIN_WORDS:
            return True
        return any(
            letters[:i] in DOMAIN_WORDS and letters[i:] in DOMAIN_WORDS
            for i in range(1, len(letters))
        )

    @staticmethod
    def _is_users_own(password: str, letters: str, user: Any) -> bool:
        own = [
            _letters(str(getattr(user, name, "") or ""))
            for name in ("username", "first_name", "last_name")
        ]
        if any(word and len(word) >= 3 and (word in letters or letters in word) for word in own):
            return True
        phone = re.sub(r"\D", "", str(getattr(user, "telepon", "") or ""))
        return len(phone) >= 6 and phone[-6:] in password

    def get_help_text(self) -> str:
        return _(
            "Your password cannot be a common word such as “posyandu” or “kader” with digits, "
            "nor your own username, name or phone."
        )
