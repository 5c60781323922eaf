from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from tinhso.accounts.models import User


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Email or mobile number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("Wrong email/mobile number or password."),
        "inactive": _("This account is disabled."),
    }


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_language"]
