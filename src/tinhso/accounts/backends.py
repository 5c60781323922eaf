from django.contrib.auth.backends import ModelBackend

from tinhso.accounts.models import User
from tinhso.core.validators import InvalidValue, normalize_mobile


class EmailOrPhoneBackend(ModelBackend):
    """Log in with an email address or a Vietnamese mobile number in any common spelling."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        username = username.strip()
        if "@" in username:
            lookup = {"email__iexact": username}
        else:
            try:
                lookup = {"phone": normalize_mobile(username)}
            except InvalidValue:
                return None
        user = User.objects.filter(**lookup).first()
        if user is None:
            User().set_password(password)  # same cost as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
