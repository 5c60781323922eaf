from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from tinhso.accounts.forms import LoginForm, ProfileForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        translation.activate(form.cleaned_data["preferred_language"])
        messages.success(request, _("Profile saved."))
        response = redirect("accounts:profile")
        response.set_cookie("django_language", form.cleaned_data["preferred_language"])
        return response
    memberships = request.user.memberships.select_related("organization")
    return render(request, "accounts/profile.html", {"form": form, "memberships": memberships})
