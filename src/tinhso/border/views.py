from django.http import HttpResponse


def _todo(request):
    return HttpResponse("…")


status = enterprise = yard_console = gate_console = agency_console = whatif = _todo
