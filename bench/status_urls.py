"""The site's URLs plus a bare hello-world view through the same middleware stack."""

from django.http import HttpResponse
from django.urls import path

from tinhso.urls import urlpatterns as site


def hello(request):
    return HttpResponse(b"hello", content_type="text/plain")


urlpatterns = [path("bench/hello", hello), *site]
