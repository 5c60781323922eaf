"""The conferencing engines' link formats, checked against their documented schemes, and
the join link's window around the meeting."""

from datetime import timedelta

import jwt
import pytest
import time_machine
from django.test import override_settings

from tests.meetings.conftest import at, book
from tinhso.core.errors import DomainError
from tinhso.meetings import services
from tinhso.meetings.conferencing import JoinRequest, provider_for, simulator
from tinhso.meetings.conferencing.bigbluebutton import (
    BigBlueButtonProvider,
    checksum,
    signed_url,
    verify,
)
from tinhso.meetings.conferencing.jitsi import JitsiProvider


def _request(moderator: bool) -> JoinRequest:
    return JoinRequest(room="LangSon-202612031400-1", title="Hội nghị", display_name="UBND xã Na Sầm",
                       participant_id="xa-6214", moderator=moderator, valid_from=at(1, 13),
                       valid_until=at(1, 16))


def test_bigbluebutton_checksum_is_the_documented_one():
    # The example of docs.bigbluebutton.org (API, "Usage"): sha1 of call + query + secret.
    query = "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444"
    secret = "639259d4-9dd8-4b25-bf01-95f9567eaf4b"
    assert checksum("create", query, secret) == "1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17"
    url = signed_url("https://bbb.example/bigbluebutton/api/", "create",
                     {"name": "Test Meeting", "meetingID": "abc123", "attendeePW": "111222",
                      "moderatorPW": "333444"}, secret)
    assert url == ("https://bbb.example/bigbluebutton/api/create?" + query
                   + "&checksum=1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17")
    assert verify("create", url.split("?", 1)[1], secret)
    assert not verify("join", url.split("?", 1)[1], secret)
    assert not verify("create", url.split("?", 1)[1], "another-secret")


def test_bigbluebutton_join_gives_the_chairs_point_moderator_rights():
    provider = BigBlueButtonProvider(api_url="https://bbb.example/bigbluebutton/api", secret="s")
    chair, viewer = provider.join_url(_request(True)), provider.join_url(_request(False))
    assert chair.startswith("https://bbb.example/bigbluebutton/api/join?fullName=UBND+x")
    assert "role=MODERATOR" in chair and "role=VIEWER" in viewer
    assert "meetingID=LangSon-202612031400-1" in chair
    assert verify("join", chair.split("?", 1)[1], "s")


def test_jitsi_token_follows_jitsis_token_format():
    provider = JitsiProvider(domain="meet.langson.gov.vn", app_id="tinhso", secret="k" * 32)
    url = provider.join_url(_request(True))
    assert url.startswith("https://meet.langson.gov.vn/langson-202612031400-1?jwt=")
    token = url.split("jwt=", 1)[1]
    claims = jwt.decode(token, "k" * 32, algorithms=["HS256"], audience="jitsi",
                        issuer="tinhso", options={"verify_nbf": False, "verify_exp": False})
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert claims["sub"] == "meet.langson.gov.vn"
    assert claims["room"] == "langson-202612031400-1"
    assert claims["context"]["user"] == {"id": "xa-6214", "name": "UBND xã Na Sầm",
                                         "moderator": "true"}
    assert claims["moderator"] is True
    assert claims["nbf"] == int(at(1, 13).timestamp())
    assert claims["exp"] == int(at(1, 16).timestamp())
    viewer = jwt.decode(provider.token(_request(False)), "k" * 32, algorithms=["HS256"],
                        audience="jitsi", options={"verify_nbf": False, "verify_exp": False})
    assert viewer["context"]["user"]["moderator"] == "false"
    # A token signed with another secret is refused by the engine.
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "x" * 32, algorithms=["HS256"], audience="jitsi")


def test_the_simulator_speaks_bigbluebutton_and_refuses_bad_checksums(settings):
    provider = provider_for("simulator")
    # Joining a room that was never created: BBB answers notFound.
    assert b"<messageKey>notFound" in simulator._in_process(provider.join_url(_request(False)))
    provider.create_room(room="LangSon-202612031400-1", title="Hội nghị", starts_at=at(1, 14),
                         ends_at=at(1, 16))
    url = provider.join_url(_request(False))
    assert b"SUCCESS" in simulator._in_process(url)
    assert b"checksumError" in simulator._in_process(url.replace("VIEWER", "MODERATOR"))


@pytest.mark.django_db
def test_join_links_are_valid_only_around_the_meeting(secretary, province, hall, clock):
    meeting = book(secretary, province, hall, at(1, 14), at(1, 16), point_codes=["so-y-te"])
    host = meeting.point_bookings.get(is_host=True)
    guest = meeting.point_bookings.get(point__code="so-y-te")
    with pytest.raises(DomainError) as early:
        services.join_link(booking=guest)
    assert early.value.code == "meeting.link_not_yet"
    with time_machine.travel(at(1, 13, 30), tick=False):
        link = services.join_link(booking=guest)
        assert "role=VIEWER" in link and "fullName=S%E1%BB%9F+Y+t%E1%BA%BF" in link
        assert "role=MODERATOR" in services.join_link(booking=host)
    with time_machine.travel(at(1, 16), tick=False), pytest.raises(DomainError) as late:
        services.join_link(booking=guest)
    assert late.value.code == "meeting.link_expired"


@pytest.mark.django_db
@override_settings(MEETINGS_PROVIDER="jitsi")
def test_a_meeting_on_jitsi_gets_signed_jitsi_links(secretary, province, hall, settings):
    settings.MEETINGS_PROVIDERS = {**settings.MEETINGS_PROVIDERS,
                                   "jitsi": {"domain": "meet.example", "app_id": "tinhso",
                                             "secret": "s" * 32}}
    meeting = book(secretary, province, hall, at(1, 14), at(1, 16), point_codes=["so-y-te"])
    assert meeting.provider == "jitsi"
    with time_machine.travel(at(1, 14) - timedelta(minutes=5), tick=False):
        link = services.join_link(booking=meeting.point_bookings.get(is_host=True))
    claims = jwt.decode(link.split("jwt=")[1], "s" * 32, algorithms=["HS256"], audience="jitsi",
                        options={"verify_nbf": False, "verify_exp": False})
    assert claims["room"] == meeting.room_name.lower() and claims["moderator"] is True
