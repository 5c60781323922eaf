"""Factories with traits named after domain states."""

from __future__ import annotations

import factory

from tinhso.accounts.models import Membership, Organization, OrganizationKind, Role, User


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Công ty TNHH Thử nghiệm {n}")
    kind = OrganizationKind.ENTERPRISE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.vn")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-Lạng-Sơn-1")

    @factory.post_generation
    def save_after(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(role: Role, organization: Organization | None = None, **kwargs) -> User:
    user = UserFactory(**kwargs)
    organization = organization or OrganizationFactory()
    Membership.objects.create(user=user, organization=organization, role=role)
    return user
