"""A new password ends what the old one opened.

Changing or resetting a password (the Security page, the reset email, the admin, ``changepassword``)
deletes the user's API tokens and ends their sessions, so a stolen token or session does not outlive
the password it came from. The page that changed the password keeps its user signed in: Django's
password-change view gives that browser a new session after the save.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token

from . import audit
from .sessions import end_sessions

User = get_user_model()


@receiver(pre_save, sender=User)
def _note_password_change(sender, instance, update_fields=None, raw=False, **kwargs):
    # ``set_password`` keeps the new password in ``_password`` until the save; Django clears it when it
    # only re-hashes the same password (a hasher upgrade at sign-in), which is no change at all.
    changed = not raw and instance.pk is not None and getattr(instance, "_password", None) is not None
    instance._pmis_password_changed = changed and (update_fields is None or "password" in update_fields)


@receiver(post_save, sender=User)
def _revoke_after_password_change(sender, instance, created=False, **kwargs):
    if created or not getattr(instance, "_pmis_password_changed", False):
        return
    instance._pmis_password_changed = False
    tokens, _by_model = Token.objects.filter(user=instance).delete()
    sessions = end_sessions(instance)
    audit.record(instance, "security.password_changed", instance,
                 after={"tokens_revoked": tokens, "sessions_ended": sessions})
