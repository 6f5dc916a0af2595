"""API plumbing shared by every app's api.py: error shapes in the user's language."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from safetynet.core.models import StaleEdit


def exception_handler(exc, context):
    if isinstance(exc, StaleEdit):
        return Response({"detail": str(exc), "current_version": exc.current_version}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        return Response({"detail": str(exc) or _("Your role does not allow this.")}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, ParseError):
        return Response({"detail": _("The request body is not valid JSON.")}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, UnsupportedMediaType):
        return Response({"detail": _("Send JSON with Content-Type: application/json.")},
                        status=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE)
    return drf_handler(exc, context)
