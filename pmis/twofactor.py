"""Placeholder until two-factor authentication lands (issue 15): nobody has a second factor."""


def requires_second_factor(user) -> bool:
    return False


def has_second_factor(user) -> bool:
    return False


def verify_second_factor(request, user, code) -> bool:
    return False
