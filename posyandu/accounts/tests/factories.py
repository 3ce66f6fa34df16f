import factory

from posyandu.accounts.models import Assignment, Role, User

PASSWORD = "Rahasia-Kuat-2026"


def _save_after_password(user: User, create: bool, extracted: object, **kwargs: object) -> None:
    if create:
        user.save()


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    # Declared after `password`: the hashed password is set before this save.
    saved = factory.PostGeneration(_save_after_password)


def user_with_role(
    role: Role,
    username: str | None = None,
    *,
    is_staff: bool = False,
    is_superuser: bool = False,
    **target: object,
) -> User:
    user = UserFactory.create(
        is_staff=is_staff, is_superuser=is_superuser, **({"username": username} if username else {})
    )
    Assignment.objects.create(user=user, role=role, **target)
    return user
