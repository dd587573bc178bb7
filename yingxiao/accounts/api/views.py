"""`POST /api/v1/auth/token/` and `GET /api/v1/users/me/`."""

from axes.handlers.proxy import AxesProxyHandler
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import User
from .serializers import MeSerializer


class TokenView(ObtainAuthToken):
    """Trade a username and password for an API token (failed attempts count towards the lockout; a
    locked account gets 403 `locked`, not a misleading "wrong password")."""

    def post(self, request, *args, **kwargs):
        username = str(request.data.get("username", ""))
        if username and AxesProxyHandler.is_locked(request, credentials={"username": username}):
            return Response(
                {
                    "code": "locked",
                    "detail": _("Too many failed logins: this account is locked for 15 minutes."),
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        return super().post(request, *args, **kwargs)


class MeView(APIView):
    """The caller's identity, roles and scopes."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = User.objects.prefetch_related(
            "memberships__region", "memberships__distributor", "memberships__warehouse"
        ).get(pk=request.user.pk)
        return Response(MeSerializer(user).data)
