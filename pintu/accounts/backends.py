from django.contrib.auth.backends import ModelBackend

from pintu.accounts.models import User


class EmailOrUsernameBackend(ModelBackend):
    """Log in with a username (staff) or an e-mail address (citizens)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        identifier = username.strip()
        user = User.objects.filter(username__iexact=identifier).first()
        if user is None and "@" in identifier:
            user = User.objects.filter(email__iexact=identifier).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
