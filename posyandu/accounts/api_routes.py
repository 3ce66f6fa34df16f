from django.http import HttpRequest
from ninja import Router, Schema

from posyandu.accounts.api import api_signed_in
from posyandu.accounts.models import User
from posyandu.accounts.scope import scope_for

router = Router(tags=["accounts"])


class AssignmentOut(Schema):
    role: str
    place: str


class MeOut(Schema):
    username: str
    name: str
    roles: list[str]
    assignments: list[AssignmentOut]
    sees_personal_data: bool


@router.get("", response=MeOut, summary="The signed-in user and their assignments")
@api_signed_in("a user reads their own profile")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    assert isinstance(user, User)  # api_signed_in() let only a signed-in user through
    assignments = user.assignments.filter(active=True).select_related(
        "wilayah", "puskesmas", "pustu", "posyandu"
    )
    scope = scope_for(user)
    return MeOut(
        username=user.get_username(),
        name=user.get_full_name(),
        roles=sorted(scope.roles),
        assignments=[AssignmentOut(role=a.role, place=a.place_label) for a in assignments],
        sees_personal_data=bool(scope.personal),
    )
