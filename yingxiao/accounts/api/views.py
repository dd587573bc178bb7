"""`POST /api/v1/auth/token/` and `GET /api/v1/users/me/`."""

from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import User
from .serializers import MeSerializer


class TokenView(ObtainAuthToken):
    """Trade a username and password for an API token (failed attempts count towards the lockout)."""


class MeView(APIView):
    """The caller's identity, roles and scopes."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = User.objects.prefetch_related(
            "memberships__region", "memberships__distributor", "memberships__warehouse"
        ).get(pk=request.user.pk)
        return Response(MeSerializer(user).data)
